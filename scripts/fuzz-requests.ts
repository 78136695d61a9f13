// Generated POST /requests bodies and the property they must satisfy against the Zod oracle
// (test/support/requests-oracle.ts); used by test/fuzz-requests.test.ts and `npm run fuzz -- --resource requests`.
//
// The property: a create is never answered 5xx; it is 201 exactly when the oracle accepts the body
// (Zod, then the fake's `Client not found` check), with the stored request equal to the accepted
// body (defaults applied) and GET /requests/{id} answering it with an empty detail; otherwise 422
// with exactly the oracle's `errors`.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  REQUEST_FIELD_NAMES,
  REQUEST_TYPES,
  REQUIREMENTS,
  expectedRequestErrors,
  parseRequestBody,
  type ParsedRequestBody,
} from '../test/support/requests-oracle.js';
import { DETAIL_KEYS, REQUEST_KEYS } from '../test/support/requests.js';
import { DANGEROUS_KEYS, describeCase, parse, type SendRequest } from './fuzz.js';

/** Body keys the server must drop: the record's read-only fields and the detail's. */
export const REQUEST_READ_ONLY_KEYS = [
  'id',
  'orgId',
  'status',
  'currentStep',
  'requestorName',
  'requestorEmail',
  'requestorCompany',
  'expiresAt',
  'submittedAt',
  'accessToken',
  'createdAt',
  'updatedAt',
  ...DETAIL_KEYS,
] as const;

const ID_PATTERN = /^req_[0-9a-hjkmnp-tv-z]{26}$/;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32}$/;
const ISO_MS_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const DAY_MS = 86_400_000;

/** The organisation's profile, as every request of the organisation names its requestor. */
export interface Requestor {
  requestorName: string | null;
  requestorEmail: string | null;
  requestorCompany: string | null;
}

/** A client a body may link, as far as a request copies it. */
export interface LinkableClient {
  nameFirst: string | null;
  nameLast: string | null;
  businessName: string | null;
  email: string | null;
  phone: string | null;
}

/** What the expected record depends on besides the body: the organisation and its clients. */
export interface RequestContext {
  orgId: string;
  requestor: Requestor;
  clients: ReadonlyMap<string, LinkableClient>;
}

/** The subject's name a linked client gives: first and last name, or else the business name. */
export function clientSubjectName(client: LinkableClient): string | null {
  const person = [client.nameFirst, client.nameLast].filter((part) => part !== null && part !== '').join(' ');
  return person !== '' ? person : client.businessName;
}

/**
 * The record the contract says a create stores for an accepted body: the fields given, the linked
 * client's subject where the body gives none, `expiresDays` 7 by default, status `in_progress`
 * when there is a subject email, else `initiated`. `id`, `accessToken` and the times are the
 * server's, taken from `answer`.
 *
 * @example
 * assert.deepEqual(res.body, expectedRequestRecord(parsed, context, res.body));
 */
export function expectedRequestRecord(
  body: ParsedRequestBody,
  context: RequestContext,
  answer: { id: string; accessToken: string; createdAt: string },
): Record<string, unknown> {
  const client = typeof body.clientId === 'string' ? context.clients.get(body.clientId) : undefined;
  const given = <T>(value: T | null | undefined, fallback: T | null): T | null => value ?? fallback;
  const subjectEmail = given(body.subjectEmail, client?.email ?? null);
  return {
    id: answer.id,
    orgId: context.orgId,
    type: body.type,
    status: subjectEmail === null ? 'initiated' : 'in_progress',
    requirements: body.requirements,
    currentStep: body.requirements[0],
    subjectName: given(body.subjectName, client === undefined ? null : clientSubjectName(client)),
    subjectEmail,
    subjectPhone: given(body.subjectPhone, client?.phone ?? null),
    ...context.requestor,
    clientId: body.clientId ?? null,
    matterId: body.matterId ?? null,
    expiresDays: body.expiresDays,
    expiresAt: new Date(Date.parse(answer.createdAt) + body.expiresDays * DAY_MS).toISOString(),
    submittedAt: null,
    accessToken: answer.accessToken,
    createdAt: answer.createdAt,
    updatedAt: answer.createdAt,
  };
}

/** The detail GET /requests/{id} adds to a request that has just been created: nothing collected yet. */
export function emptyDetail(requirements: readonly string[]): Record<string, unknown> {
  return {
    score: null,
    person: null,
    documents: [],
    biometric: null,
    location: null,
    contact: null,
    business: null,
    financial: null,
    pep: null,
    steps: requirements.map((step) => ({ step, status: 'pending', completedAt: null })),
  };
}

/**
 * Asserts that a 201's body is the request the contract stores for `sent` (the body as the server
 * parsed it): every key in order, a server-made id, token and times.
 */
export function assertCreatedRequest(record: any, sent: unknown, context: RequestContext): void {
  const parsed = parseRequestBody(sent);
  assert.ok(parsed.ok, 'the oracle accepts the body');
  assert.deepEqual(Object.keys(record), REQUEST_KEYS, 'record keys, in contract order');
  assert.match(record.id, ID_PATTERN);
  assert.match(record.accessToken, TOKEN_PATTERN);
  assert.match(record.createdAt, ISO_MS_UTC);
  assert.deepStrictEqual(record, expectedRequestRecord(parsed.value, context, record));
}

// ---- generated bodies -------------------------------------------------------------------------

const anyString = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\u0000', '\ud800', '\udc00x', '\u202eevil', 'null', '__proto__', '💩👨‍👩‍👧') },
);

/** A string of at most `max` UTF-16 units (Zod's measure), boundary lengths included. */
function textUpTo(max: number): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: anyString.filter((s) => s.length <= max) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('x'.repeat(max), 'é'.repeat(max), '😀'.repeat(max / 2), `${'a'.repeat(max - 1)}😀`.slice(0, max)),
    },
  );
}

/** A string longer than `max` UTF-16 units, including ones of at most `max` code points. */
function textOver(max: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom('x'.repeat(max + 1), '😀'.repeat(max / 2 + 1), `${'a'.repeat(max - 1)}😀`, 'é'.repeat(max * 4)),
    fc.string({ minLength: max + 1, maxLength: max + 40 }),
  );
}

const emailPart = fc.stringMatching(/^[a-z0-9][a-z0-9_+-]{0,8}$/);
/** Local parts ending in these walk a request on its own (the contract's magic subject emails). */
const MAGIC_SUFFIX = /\+(approve|reject|review|expire)$/;
const validEmail = fc
  .tuple(
    emailPart.filter((local) => !MAGIC_SUFFIX.test(local)),
    fc.array(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,6}$/), { minLength: 1, maxLength: 3 }),
    fc.stringMatching(/^[a-zA-Z]{2,6}$/),
  )
  .map(([local, labels, tld]) => `${local}@${labels.join('.')}.${tld}`);

const brokenEmail = fc.oneof(
  fc.emailAddress(),
  fc.constantFrom(
    'x',
    'a@b',
    'a..b@example.com',
    '.a@example.com',
    ' a@example.com',
    'a@example.c',
    'jane@example.com ',
    'ü@example.com',
    '',
  ),
  anyString,
);

const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);

const configKey = fc.oneof({ weight: 6, arbitrary: fc.string() }, { weight: 1, arbitrary: fc.constantFrom(...DANGEROUS_KEYS, '', 'a.b') });
const config = fc.dictionary(configKey, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 });

/** Builds an object from entries; `__proto__` and friends become own data properties, as JSON.parse makes them. */
function objectOf(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  return Object.fromEntries(entries);
}

const validThirdParty = fc
  .tuple(
    fc.record(
      {
        name: textUpTo(128),
        email: validEmail,
        org: fc.option(textUpTo(128), { nil: null, freq: 5 }),
        sharedFields: fc.array(anyString, { maxLength: 4 }),
      },
      { requiredKeys: ['name', 'email'] },
    ),
    fc.array(fc.tuple(fc.oneof(fc.constantFrom('id', 'sharedAt', ...DANGEROUS_KEYS), fc.string()), fc.jsonValue({ maxDepth: 1 })), {
      maxLength: 2,
    }),
  )
  .map(([fields, extra]) => objectOf([...extra.filter(([k]) => !Object.hasOwn(fields, k)), ...Object.entries(fields)]));

const brokenThirdParty = fc.oneof(
  validThirdParty.map(({ name: _, ...rest }) => rest),
  validThirdParty.map(({ email: _, ...rest }) => rest),
  fc.tuple(validThirdParty, fc.oneof(brokenEmail, wrongType, fc.constant(null))).map(([p, email]) => ({ ...p, email })),
  fc.tuple(validThirdParty, fc.oneof(textOver(128), wrongType, fc.constant(null))).map(([p, name]) => ({ ...p, name })),
  fc.tuple(validThirdParty, fc.oneof(textOver(128), wrongType)).map(([p, org]) => ({ ...p, org })),
  fc
    .tuple(
      validThirdParty,
      fc.oneof(wrongType, fc.constant(null), fc.array(fc.oneof(fc.integer(), fc.constant(null)), { minLength: 1, maxLength: 2 })),
    )
    .map(([p, sharedFields]) => ({ ...p, sharedFields })),
  fc.oneof(fc.constant(null), anyString, fc.integer(), fc.array(fc.string(), { maxLength: 2 })),
);

/** Valid values for each field, given the organisation's client ids. */
function validValues(clientIds: readonly string[]): Record<string, fc.Arbitrary<unknown>> {
  return {
    type: fc.constantFrom(...REQUEST_TYPES),
    requirements: fc.array(fc.constantFrom(...REQUIREMENTS), { minLength: 1, maxLength: 6 }),
    clientId: clientIds.length === 0 ? fc.constant(null) : fc.option(fc.constantFrom(...clientIds), { nil: null, freq: 4 }),
    matterId: fc.option(
      fc.oneof(
        fc.uuid(),
        fc.uuid().map((u) => u.toUpperCase()),
      ),
      { nil: null, freq: 4 },
    ),
    subjectName: fc.option(textUpTo(128), { nil: null, freq: 5 }),
    subjectEmail: fc.option(validEmail, { nil: null, freq: 5 }),
    subjectPhone: fc.option(textUpTo(32), { nil: null, freq: 5 }),
    expiresDays: fc.oneof(fc.integer({ min: 1, max: 90 }), fc.constantFrom(1, 90)),
    config,
    thirdParties: fc.array(validThirdParty, { maxLength: 3 }),
  };
}

/** Values that break each field, in the ways the contract can reject it (`otherIds`: ids that are no client of the organisation). */
function brokenValues(otherIds: readonly string[]): Record<string, fc.Arbitrary<unknown>> {
  return {
    type: fc.oneof(wrongType, fc.constant(null), fc.constantFrom('IDV', 'Kyc', 'verification', '', ' idv', 'idv '), anyString),
    requirements: fc.oneof(
      fc.constant([]),
      wrongType.filter((v) => !Array.isArray(v)),
      fc.constant(null),
      fc.constantFrom('document', 'document,person'),
      fc
        .tuple(
          fc.array(fc.constantFrom(...REQUIREMENTS), { maxLength: 3 }),
          fc.oneof(fc.constantFrom('Document', 'selfie', 'biometric-face', 'pep', '', null), fc.integer(), anyString),
        )
        .map(([good, bad]) => [...good, bad]),
    ),
    clientId: fc.oneof(wrongType, fc.constantFrom('clt_nope', '', 'clt_01j9abc456', ...otherIds), anyString),
    matterId: fc.oneof(
      wrongType,
      fc.uuid().map((u) => u.replaceAll('-', '')),
      fc.uuid().map((u) => ` ${u}`),
      fc.uuid().map((u) => `{${u}}`),
      fc.constantFrom('not-a-uuid', '', 'clt_01j9abc456', '00000000-0000-0000-0000-00000000000g'),
      anyString,
    ),
    subjectName: fc.oneof(wrongType, textOver(128)),
    subjectEmail: fc.oneof(wrongType, brokenEmail),
    subjectPhone: fc.oneof(wrongType, textOver(32)),
    expiresDays: fc.oneof(
      fc.constantFrom(0, 91, -1, 1.5, 90.5, 2 ** 53, '7', null, true, 1e308),
      fc.integer().filter((n) => n < 1 || n > 90),
      fc.double({ noNaN: true }).filter((n) => !Number.isInteger(n)),
      wrongType.filter((v) => typeof v !== 'number'),
    ),
    config: fc.oneof(fc.constant(null), fc.integer(), anyString, fc.boolean(), fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 })),
    thirdParties: fc.oneof(
      fc.constant(null),
      wrongType.filter((v) => !Array.isArray(v)),
      fc
        .tuple(fc.array(validThirdParty, { maxLength: 2 }), brokenThirdParty, fc.nat(2))
        .map(([good, bad, at]) => [...good.slice(0, at), bad, ...good.slice(at)]),
    ),
  };
}

/** Keys besides the fields: unknown, read-only and dangerous ones (dropped by the server). */
const extraEntries = fc.array(
  fc.tuple(fc.oneof(fc.constantFrom(...REQUEST_READ_ONLY_KEYS, ...DANGEROUS_KEYS), fc.string()), fc.jsonValue({ maxDepth: 2 })),
  { maxLength: 3 },
);

const OPTIONAL_FIELDS = REQUEST_FIELD_NAMES.filter((f) => f !== 'type' && f !== 'requirements');

/** The bodies a campaign sends, for an organisation whose linkable clients are `clientIds`. */
export interface RequestBodies {
  /** Bodies the oracle accepts (plus keys it drops). */
  valid: fc.Arbitrary<Record<string, unknown>>;
  /** A valid body with exactly one field broken (or a required one left out). */
  nearValid: fc.Arbitrary<Record<string, unknown>>;
  /** Any JSON value, or an object of the field names with any values. */
  random: fc.Arbitrary<unknown>;
  /** The campaign's mix. */
  any: fc.Arbitrary<unknown>;
}

/**
 * The generated bodies for an organisation whose clients are `clientIds`; `otherIds` are client ids
 * the organisation must not see (another organisation's).
 *
 * @example
 * const bodies = requestBodies(['clt_01…'], ['clt_01…other']);
 * fc.sample(bodies.valid, 3);
 */
export function requestBodies(clientIds: readonly string[], otherIds: readonly string[] = []): RequestBodies {
  const values = validValues(clientIds);
  const broken = brokenValues(otherIds);
  const fields = fc
    .record(values, { requiredKeys: ['type', 'requirements'] })
    .map((record) => Object.entries(record) as [string, unknown][]);
  const valid = fc
    .tuple(extraEntries, fields)
    .map(([extra, own]) => objectOf([...extra.filter(([k]) => !(REQUEST_FIELD_NAMES as string[]).includes(k)), ...own]));
  const nearValid = fc.tuple(fields, fc.constantFrom(...REQUEST_FIELD_NAMES), fc.boolean()).chain(([own, field, leaveOut]) => {
    const rest = own.filter(([k]) => k !== field);
    // Leaving out a required field breaks the body; leaving out an optional one would not.
    if (leaveOut && !(OPTIONAL_FIELDS as string[]).includes(field)) return fc.constant(objectOf(rest));
    return broken[field]!.map((value) => objectOf([...rest, [field, value]]));
  });
  const random = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc
      .array(
        fc.tuple(
          fc.oneof(fc.constantFrom(...REQUEST_FIELD_NAMES, ...REQUEST_READ_ONLY_KEYS, ...DANGEROUS_KEYS), fc.string()),
          fc.jsonValue({ maxDepth: 2 }),
        ),
        { maxLength: 8 },
      )
      .map(objectOf),
  );
  const any = fc.oneof({ weight: 4, arbitrary: valid }, { weight: 4, arbitrary: nearValid }, { weight: 2, arbitrary: random });
  return { valid, nearValid, random, any };
}

// ---- the property -----------------------------------------------------------------------------

/**
 * Sends `body` to POST /requests and checks the property; throws (with the body and the answer)
 * when it does not hold. Resolves with the status. An accepted body goes into `accepted` (by the
 * new request's id), for {@link storedExtrasDiffer} to check what only the store shows.
 *
 * @example
 * await checkRequestCreate(send, { type: 'idv', requirements: ['document'] }, context); // 201
 */
export async function checkRequestCreate(
  send: SendRequest,
  body: unknown,
  context: RequestContext,
  accepted?: Map<string, ParsedRequestBody>,
): Promise<number> {
  const text = JSON.stringify(body);
  // What the server sees: JSON's own idea of the value (no undefined, -0 as 0, own __proto__ keys).
  const sent: unknown = JSON.parse(text);
  const answer = await send('POST', '/requests', text);
  try {
    assert.ok(answer.status < 500, `a ${answer.status} answer`);
    const errors = expectedRequestErrors(sent, new Set(context.clients.keys()));
    const parsed = parse(answer);
    if (errors.length === 0) {
      assert.equal(answer.status, 201, 'the oracle accepts this body');
      assertCreatedRequest(parsed, sent, context);
      const stored = await send('GET', `/requests/${parsed.id}`);
      assert.equal(stored.status, 200, 'GET of the created request');
      assert.deepStrictEqual(
        parse(stored),
        { ...parsed, ...emptyDetail(parsed.requirements) },
        'GET answers the record and an empty detail',
      );
      const value = parseRequestBody(sent);
      // config is stored verbatim, own __proto__ keys included (as clients' metadata is), where
      // Zod's output would leave them out.
      const config = (sent as { config?: Record<string, unknown> }).config;
      if (value.ok) accepted?.set(parsed.id, { ...value.value, ...(config === undefined ? {} : { config }) });
    } else {
      assert.equal(answer.status, 422, `the oracle rejects this body with ${JSON.stringify(errors)}`);
      assert.deepStrictEqual(parsed, { code: 'VALIDATION_ERROR', message: 'Validation failed', statusCode: 422, errors });
    }
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${describeCase(text, answer)}`, { cause: error });
  }
  return answer.status;
}

/** A campaign's setup: the organisation's linkable clients, another organisation's, and its requestor. */
export interface RequestCampaign {
  context: RequestContext;
  bodies: RequestBodies;
}

const EMPTY_CLIENT: LinkableClient = { nameFirst: null, nameLast: null, businessName: null, email: null, phone: null };

/**
 * Prepares a campaign for `orgId` (reached through `send`): creates two empty clients to link
 * (empty, so that a linked subject is the body's whatever the body gives), one client of another
 * organisation (through `sendOther`) that must stay unknown, and learns the requestor from a first
 * request.
 *
 * @example
 * const { context, bodies } = await prepareRequestCampaign(send, sendOther, 'org_acme');
 */
export async function prepareRequestCampaign(send: SendRequest, sendOther: SendRequest, orgId: string): Promise<RequestCampaign> {
  const createClient = async (sender: SendRequest): Promise<string> => {
    const answer = await sender('POST', '/clients', '{}');
    assert.equal(answer.status, 201, `a client to link: ${answer.text}`);
    return JSON.parse(answer.text).id as string;
  };
  const ids = [await createClient(send), await createClient(send)];
  const other = await createClient(sendOther);
  const first = await send('POST', '/requests', JSON.stringify({ type: 'idv', requirements: ['document'] }));
  assert.equal(first.status, 201, `a first request: ${first.text}`);
  const { requestorName, requestorEmail, requestorCompany } = JSON.parse(first.text) as Requestor;
  const context: RequestContext = {
    orgId,
    requestor: { requestorName, requestorEmail, requestorCompany },
    clients: new Map(ids.map((id) => [id, EMPTY_CLIENT])),
  };
  assertCreatedRequest(JSON.parse(first.text), { type: 'idv', requirements: ['document'] }, context);
  return { context, bodies: requestBodies(ids, [other]) };
}

/**
 * The accepted requests whose stored `config` and `thirdParties` (kept by the store, not answered
 * by the API) differ from what the oracle read from their bodies: `config` as sent (`{}` when left
 * out), `thirdParties` `[]` when left out and each third party with only its known keys. `stored`
 * is the export's list.
 *
 * @example
 * assert.deepEqual(storedExtrasDiffer(exported.requests, accepted), []);
 */
export function storedExtrasDiffer(
  stored: readonly { id: string; config?: unknown; thirdParties?: unknown }[],
  accepted: ReadonlyMap<string, ParsedRequestBody>,
): string[] {
  const byId = new Map(stored.map((r) => [r.id, r]));
  const problems: string[] = [];
  for (const [id, body] of accepted) {
    const record = byId.get(id);
    const expected = { config: body.config ?? {}, thirdParties: body.thirdParties ?? [] };
    const actual = { config: record?.config, thirdParties: record?.thirdParties };
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
      problems.push(`${id}: stored ${JSON.stringify(actual).slice(0, 500)}, expected ${JSON.stringify(expected).slice(0, 500)}`);
    }
  }
  return problems;
}
