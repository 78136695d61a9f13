// `npm run fuzz [-- --resource clients|requests|all --seed N --cases N --concurrency N --url URL]`: a property-based campaign of generated create bodies against a running fake.
//
// The property, shared with test/fuzz.test.ts and test/fuzz-requests.test.ts: a create is never
// answered 5xx; every error is the envelope; it is 201 exactly when the contract oracle (Zod 3:
// test/support/contract-oracle.ts for clients, test/support/requests-oracle.ts for requests)
// accepts the body, with the stored record equal to the body's fields, and otherwise 422 with
// exactly the oracle's `errors`. `--resource all` (the default) runs one campaign per resource.
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { startCli, type RunningCli } from '../test/support/cli.js';
import { COUNTRIES, FIELD_NAMES, RECORD_KEYS, expectedErrors } from '../test/support/contract-oracle.js';
import { KEYS } from '../test/support/fixture-keys.js';
import type { ParsedRequestBody } from '../test/support/requests-oracle.js';
import { jsonRequest, keepAliveAgent } from '../test/support/raw-http.js';

/** Body keys the server must drop (read-only fields of the record). */
export const READ_ONLY_KEYS = ['id', 'orgId', 'active', 'requestCount', 'createdAt', 'updatedAt'] as const;

/** Keys that trip code treating a body as a plain map. */
export const DANGEROUS_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'toJSON'] as const;

const TEXT_FIELDS = FIELD_NAMES.filter((f) => !['email', 'memberType', 'country', 'metadata'].includes(f));

const ID_PATTERN = /^clt_[0-9a-hjkmnp-tv-z]{26}$/;
const ISO_MS_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * The record the contract says a create stores for `sent` (the body as the server parsed it):
 * known fields copied, omitted ones null, `memberType` 'individual' and `metadata` {} by default,
 * everything else dropped. `id` and the timestamps are the server's, taken from `answer`.
 *
 * @example
 * assert.deepEqual(res.body, expectedRecord({ nameFirst: 'Jane' }, 'org_acme', res.body));
 */
export function expectedRecord(
  sent: Record<string, unknown>,
  orgId: string,
  answer: { id: string; createdAt: string },
): Record<string, unknown> {
  const field = (name: string, fallback: unknown): unknown => (Object.hasOwn(sent, name) ? sent[name] : fallback);
  return {
    id: answer.id,
    orgId,
    nameFirst: field('nameFirst', null),
    nameLast: field('nameLast', null),
    businessName: field('businessName', null),
    email: field('email', null),
    phone: field('phone', null),
    externalId: field('externalId', null),
    memberType: field('memberType', 'individual'),
    addressLine1: field('addressLine1', null),
    addressLine2: field('addressLine2', null),
    city: field('city', null),
    region: field('region', null),
    postalCode: field('postalCode', null),
    country: field('country', null),
    metadata: field('metadata', {}),
    active: true,
    requestCount: 0,
    createdAt: answer.createdAt,
    updatedAt: answer.createdAt,
  };
}

/**
 * Asserts that a 201's body is the record the contract stores for `sent`: every key in order, the
 * fields of the body, a server-made id and timestamps.
 */
export function assertCreatedRecord(record: any, sent: Record<string, unknown>, orgId: string): void {
  assert.deepEqual(Object.keys(record), RECORD_KEYS, 'record keys, in contract order');
  assert.match(record.id, ID_PATTERN);
  assert.match(record.createdAt, ISO_MS_UTC);
  assert.deepStrictEqual(record, expectedRecord(sent, orgId, record));
}

// ---- generated bodies -------------------------------------------------------------------------

const anyString = fc.oneof(
  { weight: 4, arbitrary: fc.string() },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme' }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary' }) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\u0000', '\ud800', '\udc00x', '\u202eevil', 'null', '__proto__', '💩👨‍👩‍👧') },
);

const emailPart = fc.stringMatching(/^[a-z0-9][a-z0-9_+-]{0,8}$/);
const validEmail = fc
  .tuple(
    emailPart,
    fc.array(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,6}$/), { minLength: 1, maxLength: 3 }),
    fc.stringMatching(/^[a-zA-Z]{2,6}$/),
  )
  .map(([local, labels, tld]) => `${local}@${labels.join('.')}.${tld}`);

const metadataKey = fc.oneof(
  { weight: 6, arbitrary: fc.string() },
  { weight: 1, arbitrary: fc.constantFrom(...DANGEROUS_KEYS, '', 'a.b') },
);
const metadata = fc.dictionary(metadataKey, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 });

/** Valid values for each field of the create body. */
const VALID_VALUE: Record<string, fc.Arbitrary<unknown>> = {
  ...Object.fromEntries(TEXT_FIELDS.map((name) => [name, fc.option(anyString, { nil: null, freq: 5 })])),
  email: fc.option(validEmail, { nil: null, freq: 5 }),
  memberType: fc.constantFrom('individual', 'business'),
  country: fc.option(fc.constantFrom(...COUNTRIES), { nil: null, freq: 8 }),
  metadata,
};

const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);

/** Values that break each field, by the ways the contract can reject it. */
const BROKEN_VALUE: Record<string, fc.Arbitrary<unknown>> = {
  ...Object.fromEntries(TEXT_FIELDS.map((name) => [name, wrongType])),
  // fc.emailAddress() follows RFC 5322, which allows much that Zod's pattern refuses.
  email: fc.oneof(
    wrongType,
    fc.emailAddress(),
    fc.constantFrom(
      'x',
      'a@b',
      'a..b@example.com',
      '.a@example.com',
      ' a@example.com',
      'a@example.c',
      'a@-example.com',
      'jane@example.com ',
      'ü@example.com',
      '',
    ),
    anyString,
  ),
  memberType: fc.oneof(wrongType, fc.constant(null), fc.constantFrom('person', 'Individual', 'BUSINESS', '', ' individual'), anyString),
  country: fc.oneof(wrongType, fc.constantFrom('ca', 'XX', 'CAN', '', 'C', 'UK', 'ＣＡ'), anyString),
  metadata: fc.oneof(fc.constant(null), fc.integer(), anyString, fc.boolean(), fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 })),
};

/** Keys besides the fields: unknown, read-only and dangerous ones (dropped by the server). */
const extraEntries = fc.array(
  fc.tuple(fc.oneof(fc.constantFrom(...READ_ONLY_KEYS, ...DANGEROUS_KEYS), fc.string()), fc.jsonValue({ maxDepth: 2 })),
  { maxLength: 3 },
);

/** Builds an object from entries; `__proto__` and friends become own data properties, as JSON.parse makes them. */
function objectOf(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  return Object.fromEntries(entries);
}

const validFields = fc.record(VALID_VALUE, { requiredKeys: [] }).map((fields) => Object.entries(fields) as [string, unknown][]);

/** A body the contract accepts (plus keys it drops). */
export const validBody = fc
  .tuple(extraEntries, validFields)
  .map(([extra, fields]) => objectOf([...extra.filter(([k]) => !FIELD_NAMES.includes(k)), ...fields]));

/** A valid body with exactly one field broken. */
export const nearValidBody = fc
  .tuple(validFields, fc.constantFrom(...FIELD_NAMES))
  .chain(([fields, broken]) => BROKEN_VALUE[broken]!.map((value) => objectOf([...fields.filter(([k]) => k !== broken), [broken, value]])));

/** Any JSON value, or an object with the field names as keys and any JSON values. */
export const randomBody = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc
    .array(
      fc.tuple(fc.oneof(fc.constantFrom(...FIELD_NAMES, ...READ_ONLY_KEYS, ...DANGEROUS_KEYS), fc.string()), fc.jsonValue({ maxDepth: 2 })),
      { maxLength: 8 },
    )
    .map(objectOf),
);

/** The campaign's mix: valid, near-valid and random bodies. */
export const createBody: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: validBody },
  { weight: 4, arbitrary: nearValidBody },
  { weight: 2, arbitrary: randomBody },
);

// ---- the property -----------------------------------------------------------------------------

/** One HTTP exchange of a case: the status and the raw body text. */
export interface Exchange {
  status: number;
  text: string;
}

/** Sends a request as the case's API key; `body` is JSON text. */
export type SendRequest = (method: 'GET' | 'POST', path: string, body?: string) => Promise<Exchange>;

/** What a case was answered. */
export type CaseOutcome = 201 | 422 | number;

/** The body and the answer of a failed case, cut to a readable length. */
export function describeCase(text: string, answer: Exchange): string {
  const cut = (s: string): string => (s.length > 2000 ? `${s.slice(0, 2000)}… (${s.length} chars)` : s);
  return `body sent: ${cut(text)}\nanswer: ${answer.status} ${cut(answer.text)}`;
}

/** The answer's JSON; undefined when it is not JSON. */
export function parse(answer: Exchange): any {
  try {
    return JSON.parse(answer.text);
  } catch {
    return undefined;
  }
}

/**
 * Sends `body` to POST /clients and checks the property; throws (with the body and the answer)
 * when it does not hold. Resolves with the status.
 *
 * @example
 * await checkCreate(send, { nameFirst: 'Jane' }, 'org_acme'); // 201
 */
export async function checkCreate(send: SendRequest, body: unknown, orgId: string): Promise<CaseOutcome> {
  const text = JSON.stringify(body);
  // What the server sees: JSON's own idea of the value (no undefined, -0 as 0, own __proto__ keys).
  const sent: unknown = JSON.parse(text);
  const answer = await send('POST', '/clients', text);
  try {
    assert.ok(answer.status < 500, `a ${answer.status} answer`);
    const errors = expectedErrors(sent);
    const parsed = parse(answer);
    if (errors.length === 0) {
      assert.equal(answer.status, 201, 'the oracle accepts this body');
      assertCreatedRecord(parsed, sent as Record<string, unknown>, orgId);
      const stored = await send('GET', `/clients/${parsed.id}`);
      assert.equal(stored.status, 200, 'GET of the created client');
      assert.equal(stored.text, answer.text, 'GET answers the record the create answered');
    } else {
      assert.equal(answer.status, 422, `the oracle rejects this body with ${JSON.stringify(errors)}`);
      assert.deepStrictEqual(parsed, { code: 'VALIDATION_ERROR', message: 'Validation failed', statusCode: 422, errors });
    }
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${describeCase(text, answer)}`, { cause: error });
  }
  return answer.status;
}

// ---- the campaign -----------------------------------------------------------------------------

const BATCH = 1000;

/** The resources a campaign can fuzz. */
const RESOURCES = ['clients', 'requests'] as const;
type FuzzedResource = (typeof RESOURCES)[number];

interface CampaignOptions {
  resources: FuzzedResource[];
  seed: number;
  cases: number;
  concurrency: number;
  url: string | undefined;
}

function parseArgs(argv: readonly string[]): CampaignOptions {
  const options: CampaignOptions = {
    resources: [...RESOURCES],
    seed: (Math.random() * 2 ** 31) | 0,
    cases: 100_000,
    concurrency: 32,
    url: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    const number = (): number => {
      const n = Number(value);
      if (value === undefined || !Number.isInteger(n)) throw new Error(`${flag} needs an integer`);
      i++;
      return n;
    };
    if (flag === '--seed') options.seed = number();
    else if (flag === '--cases') options.cases = number();
    else if (flag === '--concurrency') options.concurrency = number();
    else if (flag === '--resource' && (value === 'all' || (RESOURCES as readonly string[]).includes(value ?? ''))) {
      options.resources = value === 'all' ? [...RESOURCES] : [value as FuzzedResource];
      i++;
    } else if (flag === '--url' && value !== undefined) {
      options.url = value;
      i++;
    } else
      throw new Error(`unknown argument ${flag}; use --resource clients|requests|all, --seed N, --cases N, --concurrency N, --url URL`);
  }
  return options;
}

/** One resource's campaign: the bodies of a batch (the same for the same seed, so that a failure replays) and the check of one. */
interface Target {
  batchOf(seed: number, n: number, size: number): unknown[];
  check(body: unknown): Promise<number>;
  /** What only the store shows, checked once at the end: the problems found. */
  finalCheck?(): Promise<string[]>;
}

async function targetFor(resource: FuzzedResource, send: SendRequest, sendOther: SendRequest): Promise<Target> {
  if (resource === 'clients') {
    return {
      batchOf: (seed, n, size) => fc.sample(createBody, { seed: (seed + n) | 0, numRuns: size }),
      check: (body) => checkCreate(send, body, 'org_acme'),
    };
  }
  // Loaded here: fuzz-requests.ts builds on this module's exports, which must exist first.
  const { checkRequestCreate, prepareRequestCampaign, storedExtrasDiffer } = await import('./fuzz-requests.js');
  const { context, bodies } = await prepareRequestCampaign(send, sendOther, 'org_acme');
  const accepted = new Map<string, ParsedRequestBody>();
  return {
    batchOf: (seed, n, size) => fc.sample(bodies.any, { seed: (seed + n) | 0, numRuns: size }),
    check: (body) => checkRequestCreate(send, body, context, accepted),
    finalCheck: async () => {
      const exported = await send('GET', '/__admin/state');
      return storedExtrasDiffer(JSON.parse(exported.text).requests, accepted);
    },
  };
}

async function runResource(resource: FuzzedResource, options: CampaignOptions, target: Target): Promise<number> {
  console.log(`\n${resource}: seed ${options.seed}, ${options.cases} cases, ${options.concurrency} in flight`);
  const statuses = new Map<number, number>();
  const failures: { index: number; message: string }[] = [];
  let done = 0;
  const started = performance.now();
  let lastReport = started;

  for (let batch = 0; batch * BATCH < options.cases && failures.length === 0; batch++) {
    const size = Math.min(BATCH, options.cases - batch * BATCH);
    const bodies = target.batchOf(options.seed, batch, size);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < bodies.length && failures.length === 0) {
        const index = next++;
        let status: number;
        try {
          status = await target.check(bodies[index]);
        } catch (error) {
          failures.push({ index: batch * BATCH + index, message: (error as Error).message });
          const got = /^answer: (\d{3})/m.exec((error as Error).message);
          status = got ? Number(got[1]) : 0;
        }
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        done++;
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    const now = performance.now();
    if (now - lastReport > 5000) {
      lastReport = now;
      console.log(`  ${done} cases, ${Math.round(done / ((now - started) / 1000))} cases/s`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  for (const message of (await target.finalCheck?.()) ?? []) failures.push({ index: -1, message: `stored record ${message}` });

  const count = (predicate: (status: number) => boolean): number =>
    [...statuses].filter(([s]) => predicate(s)).reduce((sum, [, n]) => sum + n, 0);
  const others = [...statuses].filter(([s]) => s !== 201 && s !== 422).sort(([a], [b]) => a - b);
  console.log('');
  console.log(`resource        ${resource}`);
  console.log(
    `seed            ${options.seed}   (replay: npm run fuzz -- --resource ${resource} --seed ${options.seed} --cases ${options.cases})`,
  );
  console.log(`cases           ${done}`);
  console.log(`201 created     ${statuses.get(201) ?? 0}`);
  console.log(`422 rejected    ${statuses.get(422) ?? 0}`);
  console.log(`other statuses  ${others.length === 0 ? 'none' : others.map(([s, n]) => `${s}: ${n}`).join(', ')}`);
  console.log(`5xx             ${count((s) => s >= 500)}`);
  console.log(`property fails  ${failures.length}`);
  console.log(
    `cases/s         ${Math.round(done / seconds)} (${seconds.toFixed(1)} s, ${options.concurrency} in flight; a 201 also costs a GET)`,
  );
  for (const failure of failures.slice(0, 5)) console.log(`\ncase #${failure.index} failed:\n${failure.message}`);
  return failures.length === 0 && count((s) => s >= 500) === 0 && done === options.cases ? 0 : 1;
}

async function runCampaign(options: CampaignOptions): Promise<number> {
  let server: RunningCli | undefined;
  let url = options.url;
  if (url === undefined) {
    server = await startCli(['--port', '0', '--db', 'memory', '--seed', 'none', '--rate-limit', '0', '--log-level', 'silent']);
    url = server.url;
  }
  const base = url;
  const agent = keepAliveAgent(options.concurrency);
  const sender =
    (key: string): SendRequest =>
    async (method, path, body) => {
      const res = await jsonRequest(base, method, path, { agent, key, ...(body === undefined ? {} : { body }) });
      return { status: res.status, text: res.text };
    };
  console.log(
    `fuzz: ${options.resources.join(' and ')}, seed ${options.seed}, ${options.cases} cases each, ${options.concurrency} in flight, against ${base}${server ? ' (started here: --db memory --seed none --rate-limit 0)' : ''}`,
  );
  let code = 0;
  try {
    for (const resource of options.resources) {
      const target = await targetFor(resource, sender(KEYS.acme), sender(KEYS.globex));
      code = Math.max(code, await runResource(resource, options, target));
    }
  } finally {
    agent.destroy();
    if (server) await server.stop();
  }
  return code;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runCampaign(parseArgs(process.argv.slice(2))).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`fuzz: ${(error as Error).stack ?? String(error)}`);
      process.exit(1);
    },
  );
}
