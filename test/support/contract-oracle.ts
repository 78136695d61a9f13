// An independent model of the create body, written from the contract with Zod 3 (the library the
// real server uses): what it accepts, and the exact errors it reports. Never shares code with src/.
import { z } from 'zod';

const COUNTRY_CODES = (
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
  'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO ' +
  'FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE ' +
  'JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO ' +
  'MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW ' +
  'PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM ' +
  'TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
).split(' ') as [string, ...string[]];

const text = z.string().nullable().optional();

const shape = {
  nameFirst: text,
  nameLast: text,
  businessName: text,
  email: z.string().email().nullable().optional(),
  phone: text,
  externalId: text,
  memberType: z.enum(['individual', 'business']).optional(),
  addressLine1: text,
  addressLine2: text,
  city: text,
  region: text,
  postalCode: text,
  country: z.enum(COUNTRY_CODES).nullable().optional(),
  metadata: z.record(z.any()).optional(),
};

export const FIELD_NAMES = Object.keys(shape);
export const COUNTRIES = COUNTRY_CODES;

/** The errors the real API would report for `body`, or `[]` when it would create the client. */
export function expectedErrors(body: unknown, strict = false): { field: string; message: string }[] {
  const schema = strict ? z.object(shape).strict() : z.object(shape);
  const result = schema.safeParse(body);
  return result.success ? [] : result.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
}

/** The listing query as the contract describes it, with Zod's coercion of numbers. */
export function expectedQueryErrors(query: Record<string, unknown>): { field: string; message: string }[] {
  const schema = z.object({
    search: z.string().optional(),
    memberType: z.enum(['individual', 'business']).optional(),
    active: z.enum(['true', 'false']).optional(),
    sort: z.enum(['name', 'created_at', 'request_count']).optional(),
    page: z.coerce.number().int().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(100).optional(),
  });
  const result = schema.safeParse(query);
  return result.success ? [] : result.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
}

/** The keys of a Client record, in the contract's order. */
export const RECORD_KEYS = [
  'id',
  'orgId',
  'nameFirst',
  'nameLast',
  'businessName',
  'email',
  'phone',
  'externalId',
  'memberType',
  'addressLine1',
  'addressLine2',
  'city',
  'region',
  'postalCode',
  'country',
  'metadata',
  'active',
  'requestCount',
  'createdAt',
  'updatedAt',
] as const;
