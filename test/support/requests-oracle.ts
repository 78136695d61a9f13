// An independent model of the POST /requests body, written from REQUESTS.md with Zod 3 (the library
// the real server uses): what it accepts, what it stores, and the exact errors it reports. Never
// shares code with src/ (nor with the fake's JSON Schemas).
import { z } from 'zod';

/** The request types, in the contract's order. */
export const REQUEST_TYPES = ['idv', 'kyc', 'share'] as const;

/** The verification steps a request may require, in the contract's order. */
export const REQUIREMENTS = [
  'document',
  'person',
  'location',
  'contact',
  'biometric_face',
  'business',
  'pep_hio',
  'financial',
  'consent',
  'attestation',
  'estate',
] as const;

/** The default of `expiresDays`. */
export const DEFAULT_EXPIRES_DAYS = 7;

const optionalText = (max?: number) => (max === undefined ? z.string() : z.string().max(max)).nullable().optional();

const thirdPartyShape = {
  name: z.string().max(128),
  email: z.string().email(),
  org: optionalText(128),
  sharedFields: z.array(z.string()).optional(),
};

// Declared in the contract's table order: Zod reports issues in the order of the shape's keys.
const shape = {
  type: z.enum(REQUEST_TYPES),
  requirements: z.array(z.enum(REQUIREMENTS)).min(1),
  clientId: optionalText(),
  matterId: z.string().uuid().nullable().optional(),
  subjectName: optionalText(128),
  subjectEmail: z.string().email().nullable().optional(),
  subjectPhone: optionalText(32),
  expiresDays: z.number().int().min(1).max(90).default(DEFAULT_EXPIRES_DAYS),
  config: z.record(z.any()).optional(),
  thirdParties: z.array(z.object(thirdPartyShape)).optional(),
};

/** The keys of the create body, in the contract's order. */
export const REQUEST_FIELD_NAMES = Object.keys(shape) as (keyof typeof shape)[];

/** The keys of a third party, in the contract's order. */
export const THIRD_PARTY_FIELD_NAMES = Object.keys(thirdPartyShape);

/** One item of a 422's `errors`. */
export interface FieldIssue {
  field: string;
  message: string;
}

function schemaOf(strict: boolean) {
  return strict ? z.object(shape).strict() : z.object(shape);
}

/** The body as the contract reads it (unknown keys dropped, defaults applied), or Zod's issues. */
export type ParsedRequestBody = z.infer<ReturnType<typeof schemaOf>>;

/**
 * Parses a create body as the real API would: the accepted body with `expiresDays` defaulted, or
 * the issues of a 422, in Zod's order and words.
 *
 * @example
 * parseRequestBody({ requirements: [] }).errors;
 * // [{ field: 'type', message: 'Required' }, { field: 'requirements', message: 'Array must contain at least 1 element(s)' }]
 */
export function parseRequestBody(
  body: unknown,
  strict = false,
): { ok: true; value: ParsedRequestBody; errors: [] } | { ok: false; errors: FieldIssue[] } {
  const result = schemaOf(strict).safeParse(body);
  if (result.success) return { ok: true, value: result.data, errors: [] };
  return { ok: false, errors: result.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })) };
}

/**
 * The errors the fake must answer for `body` in an organisation whose client ids are `clientIds`:
 * Zod's issues when the schema refuses it; otherwise `Client not found` on `clientId` when it names
 * no client of the organisation (the fake's check, made once the body is well-formed); otherwise `[]`.
 *
 * @example
 * expectedRequestErrors({ type: 'idv', requirements: ['document'], clientId: 'clt_x' }, new Set());
 * // [{ field: 'clientId', message: 'Client not found' }]
 */
export function expectedRequestErrors(body: unknown, clientIds: ReadonlySet<string>, strict = false): FieldIssue[] {
  const parsed = parseRequestBody(body, strict);
  if (!parsed.ok) return parsed.errors;
  const { clientId } = parsed.value;
  if (typeof clientId === 'string' && !clientIds.has(clientId)) return [{ field: 'clientId', message: 'Client not found' }];
  return [];
}

/** The statuses of a request, in the contract's order (`canceled` with one "l"). */
export const REQUEST_STATUSES = [
  'initiated',
  'in_progress',
  'submitted',
  'pending_review',
  'approved',
  'rejected',
  'canceled',
  'expired',
] as const;

/**
 * The errors of a GET /requests query: `page` and `limit` as for clients (Zod's coercion of
 * numbers), filters `status`, `type` and `clientId`.
 *
 * @example
 * expectedRequestQueryErrors({ status: 'cancelled' })[0]?.field; // 'status'
 */
export function expectedRequestQueryErrors(query: Record<string, unknown>): FieldIssue[] {
  const schema = z.object({
    status: z.enum(REQUEST_STATUSES).optional(),
    type: z.enum(REQUEST_TYPES).optional(),
    clientId: z.string().optional(),
    page: z.coerce.number().int().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(100).optional(),
  });
  const result = schema.safeParse(query);
  return result.success ? [] : result.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
}
