// Hostile input: every odd, broken or malicious request (to /clients and /requests) gets the right status in the envelope, and the fake stays healthy.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { assertCreatedRecord } from '../scripts/fuzz.js';
import { assertCreatedRequest, emptyDetail, type RequestContext } from '../scripts/fuzz-requests.js';
import type { FakeOptions } from '../src/index.js';
import type { ServerDeps } from '../src/server.js';
import { expectedErrors, expectedQueryErrors } from './support/contract-oracle.js';
import { ENVELOPES, validationError } from './support/envelopes.js';
import { startTestFake, type TestFake, withFake } from './support/fake.js';
import { KEYS } from './support/fixture-keys.js';
import type { Reply } from './support/http.js';
import { rawHead, sendRaw, type RawResponse } from './support/raw-http.js';
import { expectedRequestErrors, expectedRequestQueryErrors } from './support/requests-oracle.js';
import { tempDir } from './support/temp-dir.js';

// ---- expected answers -------------------------------------------------------------------------

const CODE_OF_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'VALIDATION_ERROR',
  431: 'REQUEST_HEADER_FIELDS_TOO_LARGE',
};

/** The 422 the oracle says the body `text` must get. */
function oracle422(text: string): unknown {
  const errors = expectedErrors(JSON.parse(text));
  assert.notEqual(errors.length, 0, 'the case must be a body the oracle rejects');
  return validationError(errors);
}

// ---- sending ----------------------------------------------------------------------------------

/** An answer, whether it came through fetch or off a raw socket. */
interface Answer {
  status: number;
  header(name: string): string | null;
  body: any;
  text: string;
}

function fromReply(reply: Reply): Answer {
  return { status: reply.status, header: (name) => reply.headers.get(name), body: reply.body, text: reply.text };
}

function fromRaw(raw: RawResponse): Answer {
  return { status: raw.status, header: (name) => raw.headers[name.toLowerCase()] ?? null, body: raw.json, text: raw.text };
}

type Send = (fake: TestFake, refs: References) => Promise<Answer>;

const ACME = `X-Api-Key: ${KEYS.acme}`;
const JSON_TYPE = 'Content-Type: application/json';

/** POST /clients with exactly these body bytes and header lines (the acme key and JSON type by default). */
function postBytes(body: string | Buffer, headerLines: readonly string[] = [ACME, JSON_TYPE], path = '/clients'): Send {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return async (fake) =>
    fromRaw(await sendRaw(fake.url, [rawHead('POST', path, [...headerLines, `Content-Length: ${bytes.length}`]), bytes]));
}

/** Exactly these bytes on a fresh connection (`head`: the answer has no body). */
function rawBytes(bytes: string | Buffer | readonly (string | Buffer)[], head = false): Send {
  return async (fake) => fromRaw(await sendRaw(fake.url, bytes, { head }));
}

/** A request through fetch, with the acme key unless `key` says otherwise. */
function request(
  method: string,
  path: string | ((refs: References) => string),
  options: { key?: string | null; body?: string; headers?: Record<string, string> } = {},
): Send {
  return async (fake, refs) => {
    const key = options.key === null ? undefined : (options.key ?? KEYS.acme);
    return fromReply(
      await fake.call(method, typeof path === 'function' ? path(refs) : path, {
        ...(key === undefined ? {} : { key }),
        ...(options.body === undefined ? {} : { body: options.body }),
        ...(options.headers === undefined ? {} : { headers: options.headers }),
      }),
    );
  };
}

// ---- checks -----------------------------------------------------------------------------------

type Check = (answer: Answer, fake: TestFake) => void | Promise<void>;

/** A 201 that stores exactly `sent`'s fields, and a GET that answers the same bytes. */
function created(sent: unknown): Check {
  return async (answer, fake) => {
    assertCreatedRecord(answer.body, sent as Record<string, unknown>, 'org_acme');
    const stored = await fake.call('GET', `/clients/${answer.body.id}`, { key: KEYS.acme });
    assert.equal(stored.status, 200);
    assert.ok(stored.text === answer.text, 'GET /clients/{id} answers the bytes the create answered');
  };
}

/** A 201 for a body whose text is `text` (as JSON.parse reads it). */
function createdFrom(text: string): Check {
  return created(JSON.parse(text));
}

function closesConnection(answer: Answer): void {
  assert.equal(answer.header('connection')?.toLowerCase(), 'close');
}

/** The organisation's clients, as GET /clients counts them. */
async function acmeTotal(fake: TestFake): Promise<number> {
  const list = await fake.call('GET', '/clients?limit=1', { key: KEYS.acme });
  assert.equal(list.status, 200);
  return list.body.pagination.total as number;
}

/** Refused in the envelope with nothing stored: the organisation still has only its reference client. */
async function nothingStored(_answer: Answer, fake: TestFake): Promise<void> {
  assert.equal(await acmeTotal(fake), 1);
}

/** Own property names and values of the prototypes that pollution would touch, as they are now. */
function prototypeSnapshot(): Map<string, unknown> {
  const snapshot = new Map<string, unknown>();
  for (const [name, proto] of Object.entries({
    Object: Object.prototype,
    Array: Array.prototype,
    Function: Function.prototype,
    String: String.prototype,
  })) {
    for (const key of Reflect.ownKeys(proto)) {
      snapshot.set(`${name}.${String(key)}`, Object.getOwnPropertyDescriptor(proto, key)?.value);
    }
  }
  return snapshot;
}
const PROTOTYPES_AT_LOAD = prototypeSnapshot();

function assertPrototypesUntouched(): void {
  const plain = {} as Record<string, unknown>;
  for (const key of ['polluted', 'isAdmin', 'nameLast']) assert.equal(plain[key], undefined, `({}).${key}`);
  assert.equal(Object.getPrototypeOf(plain), Object.prototype);
  assert.deepEqual(prototypeSnapshot(), PROTOTYPES_AT_LOAD, 'Object/Array/Function/String prototypes unchanged');
}

// ---- one case ---------------------------------------------------------------------------------

interface HostileCase {
  /** What is sent, in a few words. */
  name: string;
  send: Send;
  /** The status; several when the contract leaves the choice open. */
  status: number | readonly number[];
  /** The exact body, where the catalogue (or the oracle) fixes it. */
  body?: unknown;
  /** Further checks of the answer and of the fake's state. */
  check?: Check;
  /** The answer has no body (HEAD, 204). */
  noBody?: boolean;
  options?: FakeOptions;
  deps?: ServerDeps;
}

interface References {
  acme: Reply;
  globex: Reply;
  /** A reference request of each organisation (the acme one links the acme reference client), for the /requests cases. */
  requests?: { acme: Reply; globex: Reply };
}

const REFERENCE_REQUEST = {
  type: 'kyc',
  requirements: ['document', 'person'],
  subjectEmail: 'subject@example.com',
  config: { locale: 'en' },
};

const REFERENCE_BODY = {
  nameFirst: 'Reference',
  nameLast: 'Client',
  email: 'ref@example.com',
  metadata: { tier: 'gold', nested: { list: [1, 'two', null] } },
};

function assertEnvelope(answer: Answer): void {
  assert.equal(answer.header('content-type'), 'application/json; charset=utf-8');
  const body = answer.body;
  assert.ok(
    body !== null && typeof body === 'object' && !Array.isArray(body),
    `an envelope, got ${JSON.stringify(answer.text.slice(0, 200))}`,
  );
  assert.deepEqual(
    Object.keys(body),
    answer.status === 422 ? ['code', 'message', 'statusCode', 'errors'] : ['code', 'message', 'statusCode'],
  );
  assert.equal(body.statusCode, answer.status);
  assert.equal(typeof body.message, 'string');
  const code = CODE_OF_STATUS[answer.status];
  if (code === undefined) assert.equal(typeof body.code, 'string');
  else assert.equal(body.code, code, 'the catalogue code of the status');
}

/** The fake answers its health check, creates, lists, exports, and the reference clients are as they were. */
async function assertStillHealthy(fake: TestFake, refs: References): Promise<void> {
  const health = await fake.call('GET', '/__admin/health');
  assert.equal(health.status, 200, `health: ${health.text.slice(0, 200)}`);
  assert.equal(health.body.status, 'ok');
  const canary = await fake.create({ nameFirst: 'Canary', metadata: { ok: true } });
  assert.equal(canary.status, 201, `a normal create afterwards: ${canary.text.slice(0, 200)}`);
  assertCreatedRecord(canary.body, { nameFirst: 'Canary', metadata: { ok: true } }, 'org_acme');
  for (const [label, key] of [
    ['acme', KEYS.acme],
    ['globex', KEYS.globex],
  ] as const) {
    const list = await fake.call('GET', '/clients', { key });
    assert.equal(list.status, 200, `GET /clients (${label}): ${list.text.slice(0, 200)}`);
    const ref = refs[label];
    const again = await fake.call('GET', `/clients/${ref.body.id}`, { key });
    assert.equal(again.status, 200);
    assert.ok(again.text === ref.text, `the ${label} reference client is unchanged`);
  }
  for (const path of ['/__admin/requests', '/__admin/state']) {
    const res = await fake.call('GET', path);
    assert.equal(res.status, 200, `GET ${path}: ${res.text.slice(0, 200)}`);
  }
  assertPrototypesUntouched();
}

function describeStatus(status: HostileCase['status']): string {
  return typeof status === 'number' ? String(status) : status.join(' or ');
}

/** Creates the reference requests: the acme one linked to the acme reference client (re-read, as the link moves its count). */
async function addReferenceRequests(fake: TestFake, refs: References): Promise<void> {
  const acme = await fake.call('POST', '/requests', { key: KEYS.acme, body: { ...REFERENCE_REQUEST, clientId: refs.acme.body.id } });
  const globex = await fake.call('POST', '/requests', { key: KEYS.globex, body: REFERENCE_REQUEST });
  assert.equal(acme.status, 201, `the acme reference request: ${acme.text}`);
  assert.equal(globex.status, 201, `the globex reference request: ${globex.text}`);
  refs.requests = { acme, globex };
  refs.acme = await fake.call('GET', `/clients/${refs.acme.body.id}`, { key: KEYS.acme });
  assert.equal(refs.acme.body.requestCount, 1);
}

/** The requests side of health: both organisations list and read their reference request unchanged. */
async function assertRequestsHealthy(fake: TestFake, refs: References): Promise<void> {
  for (const [label, key] of [
    ['acme', KEYS.acme],
    ['globex', KEYS.globex],
  ] as const) {
    const list = await fake.call('GET', '/requests', { key });
    assert.equal(list.status, 200, `GET /requests (${label}): ${list.text.slice(0, 200)}`);
    const ref = refs.requests![label];
    const again = await fake.call('GET', `/requests/${ref.body.id}`, { key });
    assert.equal(again.status, 200);
    assert.deepStrictEqual(
      again.body,
      { ...ref.body, ...emptyDetail(ref.body.requirements) },
      `the ${label} reference request is unchanged`,
    );
  }
}

function runCases(cases: readonly HostileCase[], withRequests = false): void {
  for (const c of cases) {
    it(`answers ${describeStatus(c.status)} to ${c.name}, and stays healthy`, async (t) => {
      const fake = await withFake(t, { seed: 'none', rateLimit: 0, ...c.options }, c.deps);
      const refs: References = {
        acme: await fake.create(REFERENCE_BODY, KEYS.acme),
        globex: await fake.create({ ...REFERENCE_BODY, nameFirst: 'Other org' }, KEYS.globex),
      };
      assert.equal(refs.acme.status, 201);
      assert.equal(refs.globex.status, 201);
      if (withRequests) await addReferenceRequests(fake, refs);

      const answer = await c.send(fake, refs);
      const allowed = typeof c.status === 'number' ? [c.status] : c.status;
      assert.ok(
        allowed.includes(answer.status),
        `status ${answer.status}, expected ${describeStatus(c.status)}: ${answer.text.slice(0, 300)}`,
      );
      if (c.noBody) assert.equal(answer.text, '');
      else if (answer.status >= 400) assertEnvelope(answer);
      if (c.body !== undefined) assert.deepStrictEqual(answer.body, c.body);
      await c.check?.(answer, fake);
      await assertStillHealthy(fake, refs);
      if (withRequests) await assertRequestsHealthy(fake, refs);
    });
  }
}

// ---- bodies -----------------------------------------------------------------------------------

/** `levels` objects inside each other, `{"a":{"a":...1...}}`. */
function nestedObjects(levels: number): string {
  return `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
}

function nestedArrays(levels: number): string {
  return `${'['.repeat(levels)}${']'.repeat(levels)}`;
}

const JANE = '{"nameFirst":"Jane"}';

/** A body with a string field of raw bytes between the quotes. */
function withRawBytes(field: string, bytes: number[]): Buffer {
  return Buffer.concat([Buffer.from(`{"${field}":"`), Buffer.from(bytes), Buffer.from('"}')]);
}

const UNICODE_NAMES = {
  nameFirst: '👩🏽‍💻 Zoë 🇨🇦',
  nameLast: 'e\u0301\u0302\u0303 Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇',
  businessName: '漢字かなカナ 한국어 𠜎𠜱',
  metadata: { '🔑': '🗝️', ключ: 'значение', '\u200d': 'zero width joiner' },
};
const RTL_NAMES = {
  nameFirst: 'مرحبا بالعالم',
  nameLast: 'שלום \u202egnp.exe\u202c',
  city: '\u200fتل أبيب\u200e',
};

// ---- the cases --------------------------------------------------------------------------------

describe('hostile input: malformed JSON', () => {
  runCases([
    { name: 'a truncated object', send: postBytes('{"nameFirst":"Ja'), status: 400, body: ENVELOPES.MALFORMED_JSON },
    { name: 'a trailing comma', send: postBytes('{"nameFirst":"Jane",}'), status: 400, body: ENVELOPES.MALFORMED_JSON },
    { name: 'single-quoted strings', send: postBytes("{'nameFirst':'Jane'}"), status: 400, body: ENVELOPES.MALFORMED_JSON },
    { name: 'an unquoted key', send: postBytes('{nameFirst:"Jane"}'), status: 400, body: ENVELOPES.MALFORMED_JSON },
    {
      name: 'two JSON documents in one body',
      send: postBytes('{"nameFirst":"Jane"} {"nameLast":"Smith"}'),
      status: 400,
      body: ENVELOPES.MALFORMED_JSON,
    },
    {
      name: 'NaN and Infinity literals',
      send: postBytes('{"metadata":{"a":NaN,"b":Infinity}}'),
      status: 400,
      body: ENVELOPES.MALFORMED_JSON,
    },
    { name: 'a comment', send: postBytes('{/* hi */"nameFirst":"Jane"}'), status: 400, body: ENVELOPES.MALFORMED_JSON },
    { name: 'an invalid escape (\\x41)', send: postBytes('{"nameFirst":"\\x41"}'), status: 400, body: ENVELOPES.MALFORMED_JSON },
    { name: 'a raw newline inside a string', send: postBytes('{"nameFirst":"line\nbreak"}'), status: 400, body: ENVELOPES.MALFORMED_JSON },
    {
      name: 'a raw NUL byte inside a string',
      send: postBytes(withRawBytes('nameFirst', [0x61, 0x00, 0x62])),
      status: 400,
      body: ENVELOPES.MALFORMED_JSON,
    },
    { name: 'a number with a leading zero', send: postBytes('{"metadata":{"n":01}}'), status: 400, body: ENVELOPES.MALFORMED_JSON },
    { name: 'a body of whitespace only', send: postBytes(' \r\n\t '), status: 400, body: ENVELOPES.MALFORMED_JSON },
    { name: '600,000 unclosed brackets', send: postBytes('['.repeat(600_000)), status: 400, body: ENVELOPES.MALFORMED_JSON },
  ]);
});

describe('hostile input: bodies that are not objects', () => {
  runCases(
    ['null', '[]', '[{"nameFirst":"Jane"}]', '"Jane"', '42', 'true', '-0', '1e400'].map((text) => ({
      name: `the body ${text}`,
      send: postBytes(text),
      status: 422,
      body: oracle422(text),
      check: nothingStored,
    })),
  );
});

describe('hostile input: empty bodies and content types', () => {
  runCases([
    ...(
      [
        ['an empty body with a JSON Content-Type', postBytes('')],
        [
          'an empty chunked body with a JSON Content-Type',
          rawBytes(`${rawHead('POST', '/clients', [ACME, JSON_TYPE, 'Transfer-Encoding: chunked'])}0\r\n\r\n`),
        ],
        [
          'an empty chunked body sent as text/plain',
          rawBytes(`${rawHead('POST', '/clients', [ACME, 'Content-Type: text/plain', 'Transfer-Encoding: chunked'])}0\r\n\r\n`),
        ],
        ['an empty body with a UTF-16 JSON Content-Type', postBytes('', [ACME, 'Content-Type: application/json; charset=utf-16le'])],
        ['a gzip-encoded empty body', postBytes(gzipSync(''), [ACME, JSON_TYPE, 'Content-Encoding: gzip'])],
        ['a body of a byte order mark only', postBytes('\uFEFF')],
      ] as const
    ).map(([name, send]) => ({
      name: `${name} (no body: Required)`,
      send,
      status: 422,
      body: validationError([{ field: '', message: 'Required' }]),
      check: nothingStored,
    })),
    {
      name: 'no body and no Content-Type',
      send: request('POST', '/clients'),
      status: 422,
      body: validationError([{ field: '', message: 'Required' }]),
      check: nothingStored,
    },
    { name: 'a body that starts with a UTF-8 byte order mark', send: postBytes(`\uFEFF${JANE}`), status: 201, check: createdFrom(JANE) },
    {
      name: 'JSON sent as text/plain',
      send: postBytes(JANE, [ACME, 'Content-Type: text/plain']),
      status: 415,
      body: ENVELOPES.UNSUPPORTED_MEDIA_TYPE,
      check: nothingStored,
    },
    {
      name: 'a form-encoded body',
      send: postBytes('nameFirst=Jane', [ACME, 'Content-Type: application/x-www-form-urlencoded']),
      status: 415,
      body: ENVELOPES.UNSUPPORTED_MEDIA_TYPE,
      check: nothingStored,
    },
    {
      name: 'a multipart body',
      send: postBytes('--x\r\nContent-Disposition: form-data; name="nameFirst"\r\n\r\nJane\r\n--x--\r\n', [
        ACME,
        'Content-Type: multipart/form-data; boundary=x',
      ]),
      status: 415,
      body: ENVELOPES.UNSUPPORTED_MEDIA_TYPE,
      check: nothingStored,
    },
    {
      name: 'a JSON body without a Content-Type',
      send: postBytes(JANE, [ACME]),
      status: 415,
      body: ENVELOPES.UNSUPPORTED_MEDIA_TYPE,
      check: nothingStored,
    },
    {
      name: 'Content-Type application/json; charset=UTF-8',
      send: postBytes(JANE, [ACME, 'Content-Type: application/json; charset=UTF-8']),
      status: 201,
      check: createdFrom(JANE),
    },
    {
      name: 'Content-Type APPLICATION/JSON in upper case',
      send: postBytes(JANE, [ACME, 'Content-Type: APPLICATION/JSON']),
      status: 201,
      check: createdFrom(JANE),
    },
    {
      name: 'a quoted charset parameter',
      send: postBytes(JANE, [ACME, 'Content-Type: application/json; charset="utf-8"']),
      status: 201,
      check: createdFrom(JANE),
    },
    {
      name: 'a +json media type (application/vnd.api+json)',
      send: postBytes(JANE, [ACME, 'Content-Type: application/vnd.api+json']),
      status: 201,
      check: createdFrom(JANE),
    },
    {
      name: 'a UTF-16LE body that says charset=utf-16le',
      send: postBytes(Buffer.from('{"nameFirst":"Jäne 👩"}', 'utf16le'), [ACME, 'Content-Type: application/json; charset=utf-16le']),
      status: 201,
      check: created({ nameFirst: 'Jäne 👩' }),
    },
    {
      name: 'charset=latin1',
      send: postBytes(JANE, [ACME, 'Content-Type: application/json; charset=latin1']),
      status: 415,
      body: ENVELOPES.UNSUPPORTED_MEDIA_TYPE,
      check: nothingStored,
    },
    {
      name: 'a charset of odd bytes',
      send: postBytes(JANE, [ACME, 'Content-Type: application/json; charset=\xff\xfe']),
      status: 415,
      body: ENVELOPES.UNSUPPORTED_MEDIA_TYPE,
      check: nothingStored,
    },
    {
      name: 'a gzip-encoded body',
      send: postBytes(gzipSync(JANE), [ACME, JSON_TYPE, 'Content-Encoding: gzip']),
      status: 201,
      check: createdFrom(JANE),
    },
    {
      name: 'an unsupported Content-Encoding',
      send: postBytes(JANE, [ACME, JSON_TYPE, 'Content-Encoding: compress']),
      status: 415,
      body: ENVELOPES.UNSUPPORTED_MEDIA_TYPE,
      check: nothingStored,
    },
  ]);
});

describe('hostile input: sizes over the limit', () => {
  runCases([
    {
      name: 'a 1.1 MB body (limit 1 MB)',
      send: postBytes(JSON.stringify({ metadata: { blob: 'x'.repeat(1_100_000) } })),
      status: 413,
      body: ENVELOPES.PAYLOAD_TOO_LARGE,
      check: nothingStored,
    },
    {
      name: 'a 1.3 MB chunked body',
      send: rawBytes([
        rawHead('POST', '/clients', [ACME, JSON_TYPE, 'Transfer-Encoding: chunked']),
        ...Array.from({ length: 20 }, () => `10000\r\n${' '.repeat(0x10000)}\r\n`),
        '0\r\n\r\n',
      ]),
      status: 413,
      body: ENVELOPES.PAYLOAD_TOO_LARGE,
      check: nothingStored,
    },
    {
      name: 'a gzip bomb (20 KB that inflates to 20 MB)',
      send: postBytes(gzipSync(Buffer.alloc(20_000_000, ' ')), [ACME, JSON_TYPE, 'Content-Encoding: gzip']),
      status: 413,
      body: ENVELOPES.PAYLOAD_TOO_LARGE,
      check: nothingStored,
    },
    {
      // The size is known from the header: there is nothing to wait for. The short request
      // timeout only bounds how long a regression takes to show (it would answer 408).
      name: 'a Content-Length of 100 MB announced, then nothing sent',
      send: rawBytes(`${rawHead('POST', '/clients', [ACME, JSON_TYPE, 'Content-Length: 100000000'])}{}`),
      status: 413,
      body: ENVELOPES.PAYLOAD_TOO_LARGE,
      check: nothingStored,
      deps: { timeouts: { headersMs: 3_000, requestMs: 3_000, checkIntervalMs: 200 } },
    },
  ]);
});

describe('hostile input: deep nesting', () => {
  runCases([
    {
      // JSON.parse takes any depth, but a record nobody can serialise again would poison every
      // list, export and file write of its organisation: it must be refused before it is stored.
      name: 'metadata nested 10,000 levels deep',
      send: postBytes(`{"metadata":${nestedObjects(10_000)}}`),
      status: [400, 413, 422],
      check: nothingStored,
    },
    {
      name: 'a top-level array nested 300,000 levels deep',
      send: postBytes(nestedArrays(300_000)),
      status: [400, 413, 422],
      check: nothingStored,
    },
    {
      name: 'an unknown key holding 10,000 levels of nesting',
      send: postBytes(`{"nameFirst":"Deep","x":${nestedObjects(10_000)}}`),
      status: [201, 400, 413, 422],
      check: async (answer, fake) => {
        if (answer.status === 201) await created({ nameFirst: 'Deep' })(answer, fake);
        else await nothingStored(answer, fake);
      },
    },
    {
      name: 'metadata nested 20 levels deep (objects and arrays)',
      send: postBytes(`{"metadata":{"o":${nestedObjects(20)},"a":${nestedArrays(20)}}}`),
      status: 201,
      check: createdFrom(`{"metadata":{"o":${nestedObjects(20)},"a":${nestedArrays(20)}}}`),
    },
  ]);
});

describe('hostile input: __proto__, constructor and prototype keys', () => {
  const topLevel =
    '{"__proto__":{"polluted":"yes","nameLast":"Injected"},"constructor":{"prototype":{"polluted":"yes"}},"prototype":{"polluted":"yes"},"nameFirst":"Proto"}';
  const inMetadata =
    '{"metadata":{"__proto__":{"polluted":"yes","isAdmin":true},"constructor":{"prototype":{"polluted":"yes"}},"prototype":{"polluted":"yes"}}}';
  const methodNames =
    '{"hasOwnProperty":"x","toString":"y","valueOf":1,"toJSON":"z","isPrototypeOf":null,"nameFirst":"Methods","metadata":{"hasOwnProperty":1,"toString":null,"valueOf":[],"toJSON":"z"}}';
  const nested = '{"metadata":{"list":[{"__proto__":{"polluted":"yes"}}],"a":{"b":{"__proto__":{"isAdmin":true}}}}}';
  const protoDb = join(tempDir(), 'proto.json');
  runCases([
    {
      name: '__proto__, constructor and prototype keys at the top level (dropped, nothing injected)',
      send: postBytes(topLevel),
      status: 201,
      check: async (answer, fake) => {
        await createdFrom(topLevel)(answer, fake);
        assert.equal(answer.body.nameLast, null, 'nameLast must not come from __proto__');
      },
    },
    {
      name: '__proto__, constructor and prototype keys inside metadata (kept as plain data)',
      send: postBytes(inMetadata),
      status: 201,
      check: async (answer, fake) => {
        await createdFrom(inMetadata)(answer, fake);
        assert.ok(answer.text.includes(`"metadata":${JSON.stringify(JSON.parse(inMetadata).metadata)}`), 'metadata answered verbatim');
        const list = await fake.call('GET', '/clients', { key: KEYS.acme });
        assert.ok(list.text.includes('"__proto__":{"polluted":"yes","isAdmin":true}'), 'the list shows the __proto__ key as data');
        const stored = (await fake.state.export()).clients.find((c) => c.id === answer.body.id);
        assert.ok(stored !== undefined);
        assert.ok(Object.hasOwn(stored.metadata, '__proto__'), 'an own data property in memory');
        assert.equal(Object.getPrototypeOf(stored.metadata), Object.prototype, "metadata's prototype is not replaced");
        assert.equal((stored.metadata as Record<string, unknown>).isAdmin, undefined);
      },
    },
    {
      name: 'keys named after Object.prototype methods, at the top level and in metadata',
      send: postBytes(methodNames),
      status: 201,
      check: createdFrom(methodNames),
    },
    { name: '__proto__ keys nested in metadata objects and arrays', send: postBytes(nested), status: 201, check: createdFrom(nested) },
    {
      name: 'a duplicated __proto__ key',
      send: postBytes('{"__proto__":{"a":1},"__proto__":{"nameFirst":"Injected"},"nameLast":"Dup"}'),
      status: 201,
      check: created({ nameLast: 'Dup' }),
    },
    {
      name: '__proto__ and constructor in the list query',
      send: request('GET', '/clients?__proto__=x&constructor=y&hasOwnProperty=z&__proto__[polluted]=1'),
      status: 200,
      check: (answer) => assert.equal(answer.body.pagination.total, 1),
    },
    {
      name: '__proto__ metadata written to the file store (durable) and read back by a new server',
      options: { db: protoDb, durable: true },
      send: postBytes(inMetadata),
      status: 201,
      check: async (answer, fake) => {
        await createdFrom(inMetadata)(answer, fake);
        // A copy, read by a second server while the first keeps running.
        const db = join(tempDir(), 'copy.json');
        copyFileSync(protoDb, db);
        assert.ok(readFileSync(db, 'utf8').includes('"__proto__":{"polluted":"yes","isAdmin":true}'), 'written as data');
        const second = await startTestFake({ seed: 'none', rateLimit: 0, db });
        try {
          const again = await second.call('GET', `/clients/${answer.body.id}`, { key: KEYS.acme });
          assert.ok(again.text === answer.text, 'read back byte for byte');
          assertPrototypesUntouched();
        } finally {
          await second.close();
        }
      },
    },
  ]);
});

describe('hostile input: long strings and many keys', () => {
  const longName = JSON.stringify({ nameFirst: 'é'.repeat(450_000) });
  const manyKeys = JSON.stringify({ metadata: Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i])) });
  const manyUnknown = JSON.stringify({ nameFirst: 'Keys', ...Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`u${i}`, 0])) });
  const escapes = `{"externalId":"${'\\u0041'.repeat(150_000)}"}`;
  const pathologicalEmail = JSON.stringify({ email: `${'a'.repeat(100_000)}@${'a.'.repeat(50_000)}1` });
  runCases([
    { name: 'a 900 KB string (450,000 two-byte characters)', send: postBytes(longName), status: 201, check: createdFrom(longName) },
    { name: 'metadata with 50,000 keys', send: postBytes(manyKeys), status: 201, check: createdFrom(manyKeys) },
    { name: '50,000 unknown top-level keys', send: postBytes(manyUnknown), status: 201, check: created({ nameFirst: 'Keys' }) },
    { name: 'a string of 150,000 \\u escapes', send: postBytes(escapes), status: 201, check: created({ externalId: 'A'.repeat(150_000) }) },
    {
      name: 'a 200 KB email built to make a regex backtrack',
      send: postBytes(pathologicalEmail),
      status: 422,
      body: oracle422(pathologicalEmail),
      check: nothingStored,
    },
    {
      name: 'an 8 KB search query',
      send: request('GET', `/clients?search=${'ab'.repeat(4_000)}`),
      status: 200,
      check: (a) => assert.equal(a.body.pagination.total, 0),
    },
  ]);
});

describe('hostile input: unicode', () => {
  const escapedNul = '{"nameFirst":"a\\u0000b","metadata":{"\\u0000":"\\u0000"}}';
  const loneSurrogates = '{"nameFirst":"\\ud800","nameLast":"\\udc00x","city":"\\udc00\\ud800","metadata":{"\\udfff":"\\ud83d"}}';
  const separators = Buffer.from('{"nameFirst":"a\u2028b\u2029c\u007f\u0085d","nameLast":"\uFFFE\uFFFF\uFEFF"}', 'utf8');
  runCases([
    {
      name: 'emoji, ZWJ sequences, flags, combining marks and astral CJK',
      send: postBytes(JSON.stringify(UNICODE_NAMES)),
      status: 201,
      check: created(UNICODE_NAMES),
    },
    {
      name: 'right-to-left text with bidi override characters',
      send: postBytes(JSON.stringify(RTL_NAMES)),
      status: 201,
      check: created(RTL_NAMES),
    },
    { name: 'escaped NUL characters in values and keys', send: postBytes(escapedNul), status: 201, check: createdFrom(escapedNul) },
    {
      name: 'escaped lone surrogates (answered as escapes, in valid UTF-8)',
      send: postBytes(loneSurrogates),
      status: 201,
      check: async (answer, fake) => {
        await createdFrom(loneSurrogates)(answer, fake);
        assert.ok(answer.text.includes('"nameFirst":"\\ud800"'), 'a lone surrogate goes back as an escape');
        assert.ok(!answer.text.includes('\uFFFD'), 'no replacement character in the answer');
      },
    },
    {
      name: 'raw bytes that are not UTF-8 (FF, C3 28)',
      send: postBytes(withRawBytes('nameFirst', [0xff, 0xc3, 0x28])),
      status: 201,
      check: created({ nameFirst: '\uFFFD\uFFFD(' }),
    },
    {
      name: 'a surrogate encoded as raw UTF-8 bytes (ED A0 80)',
      send: postBytes(withRawBytes('nameFirst', [0xed, 0xa0, 0x80])),
      status: 201,
      check: created({ nameFirst: '\uFFFD\uFFFD\uFFFD' }),
    },
    {
      name: "an overlong UTF-8 encoding of '/' (C0 AF)",
      send: postBytes(withRawBytes('city', [0xc0, 0xaf])),
      status: 201,
      check: created({ city: '\uFFFD\uFFFD' }),
    },
    {
      name: 'raw line and paragraph separators, DEL, C1 controls and non-characters',
      send: postBytes(separators),
      status: 201,
      check: created({ nameFirst: 'a\u2028b\u2029c\u007f\u0085d', nameLast: '\uFFFE\uFFFF\uFEFF' }),
    },
    {
      name: 'a search for an emoji name',
      send: async (fake, refs) => {
        await fake.create({ nameFirst: '🦄 Unicorn' });
        return request('GET', `/clients?search=${encodeURIComponent('🦄')}`)(fake, refs);
      },
      status: 200,
      check: (answer) =>
        assert.deepEqual(
          answer.body.data.map((c: { nameFirst: string }) => c.nameFirst),
          ['🦄 Unicorn'],
        ),
    },
    {
      name: 'a search of percent-encoded bytes that are not UTF-8',
      send: request('GET', '/clients?search=%ff%fe'),
      status: 200,
      check: (a) => assert.equal(a.body.pagination.total, 0),
    },
    {
      name: 'a full-width country code (ＣＡ)',
      send: postBytes('{"country":"ＣＡ"}'),
      status: 422,
      body: oracle422('{"country":"ＣＡ"}'),
      check: nothingStored,
    },
    {
      name: 'a dotted capital I in memberType (İndividual)',
      send: postBytes('{"memberType":"İndividual"}'),
      status: 422,
      body: oracle422('{"memberType":"İndividual"}'),
      check: nothingStored,
    },
    {
      name: 'an email with non-ASCII letters',
      send: postBytes('{"email":"jöhn@exämple.com"}'),
      status: 422,
      body: oracle422('{"email":"jöhn@exämple.com"}'),
      check: nothingStored,
    },
  ]);
});

describe('hostile input: wrong types', () => {
  const numbers =
    '{"nameFirst":42,"nameLast":-0,"businessName":1e400,"email":1,"phone":5551234,"externalId":12345678901234567890,"memberType":0,"postalCode":12345,"country":1,"metadata":7}';
  const others =
    '{"nameFirst":true,"nameLast":[],"businessName":{},"email":["a@example.com"],"phone":false,"city":{"name":"x"},"memberType":null,"country":["CA"],"metadata":[]}';
  const strings = '{"nameFirst":"42","postalCode":"00000","phone":"+1 (555) 123-4567","metadata":{"n":"1","b":"true"}}';
  runCases([
    { name: 'numbers in every string field', send: postBytes(numbers), status: 422, body: oracle422(numbers), check: nothingStored },
    {
      name: 'booleans, arrays, objects and null where strings belong',
      send: postBytes(others),
      status: 422,
      body: oracle422(others),
      check: nothingStored,
    },
    {
      name: 'metadata as a string',
      send: postBytes('{"metadata":"{}"}'),
      status: 422,
      body: oracle422('{"metadata":"{}"}'),
      check: nothingStored,
    },
    { name: 'digits as strings (kept as strings)', send: postBytes(strings), status: 201, check: createdFrom(strings) },
    {
      name: 'words where the query wants numbers',
      send: request('GET', '/clients?page=two&limit=ten&active=yes'),
      status: 422,
      body: validationError(expectedQueryErrors({ page: 'two', limit: 'ten', active: 'yes' })),
    },
  ]);
});

describe('hostile input: duplicate JSON keys (the last one wins, as in JSON.parse)', () => {
  runCases([
    {
      name: 'nameFirst twice',
      send: postBytes('{"nameFirst":"first","nameFirst":"second"}'),
      status: 201,
      check: created({ nameFirst: 'second' }),
    },
    {
      name: 'a bad email, then a good one',
      send: postBytes('{"email":"not-an-email","email":"jane@example.com"}'),
      status: 201,
      check: created({ email: 'jane@example.com' }),
    },
    {
      name: 'a good email, then a bad one',
      send: postBytes('{"email":"jane@example.com","email":"not-an-email"}'),
      status: 422,
      body: validationError([{ field: 'email', message: 'Invalid email' }]),
      check: nothingStored,
    },
    {
      name: 'metadata twice',
      send: postBytes('{"metadata":{"a":1},"metadata":{"b":2}}'),
      status: 201,
      check: created({ metadata: { b: 2 } }),
    },
  ]);
});

describe('hostile input: the list query', () => {
  runCases([
    {
      name: '?page=1&page=2',
      send: request('GET', '/clients?page=1&page=2'),
      status: 422,
      body: validationError([{ field: 'page', message: 'Expected number, received nan' }]),
    },
    {
      name: '?limit=5&limit=5',
      send: request('GET', '/clients?limit=5&limit=5'),
      status: 422,
      body: validationError(expectedQueryErrors({ limit: ['5', '5'] })),
    },
    {
      name: '?search=a&search=b',
      send: request('GET', '/clients?search=a&search=b'),
      status: 422,
      body: validationError(expectedQueryErrors({ search: ['a', 'b'] })),
    },
    {
      name: '?page=1e400 (Infinity)',
      send: request('GET', '/clients?page=1e400'),
      status: 422,
      body: validationError(expectedQueryErrors({ page: '1e400' })),
    },
    {
      name: 'negative page and limit',
      send: request('GET', '/clients?page=-1&limit=-5'),
      status: 422,
      body: validationError(expectedQueryErrors({ page: '-1', limit: '-5' })),
    },
    { name: '?page=-0', send: request('GET', '/clients?page=-0'), status: 422, body: validationError(expectedQueryErrors({ page: '-0' })) },
    {
      name: 'a limit past 2^53',
      send: request('GET', '/clients?limit=9007199254740993'),
      status: 422,
      body: validationError(expectedQueryErrors({ limit: '9007199254740993' })),
    },
    {
      name: 'a 23-digit page (an empty page, not an error)',
      send: request('GET', '/clients?page=99999999999999999999999'),
      status: 200,
      check: (answer) => {
        assert.deepEqual(expectedQueryErrors({ page: '99999999999999999999999' }), []);
        assert.deepEqual(answer.body.data, []);
        assert.equal(answer.body.pagination.total, 1);
        assert.equal(answer.body.pagination.hasPrev, true);
      },
    },
    {
      name: 'bracketed query keys (ignored, no nested parsing)',
      send: request('GET', '/clients?search[$ne]=x&page[]=2'),
      status: 200,
      check: (a) => assert.equal(a.body.pagination.total, 1),
    },
  ]);
});

describe('hostile input: ids and paths', () => {
  runCases([
    {
      name: 'an id with encoded path traversal',
      send: request('GET', '/clients/..%2F..%2Fetc%2Fpasswd'),
      status: 404,
      body: ENVELOPES.NOT_FOUND,
    },
    {
      name: 'a literal ../ into the admin API',
      send: rawBytes(rawHead('GET', '/clients/../__admin/state', [ACME])),
      status: 404,
      body: ENVELOPES.NOT_FOUND,
    },
    {
      name: 'encoded dot segments into the admin API',
      send: rawBytes(rawHead('GET', '/v2/api/clients/%2e%2e/%2e%2e/%2e%2e/__admin/state', [ACME])),
      status: 404,
      body: ENVELOPES.NOT_FOUND,
    },
    {
      name: 'an encoded slash after a real id',
      send: request('GET', (refs) => `/clients/${refs.acme.body.id}%2F..`),
      status: 404,
      body: ENVELOPES.NOT_FOUND,
    },
    {
      name: 'an encoded slash inside a real id',
      send: request('GET', (refs) => `/clients/${refs.acme.body.id.replace('_', '%2F')}`),
      status: 404,
      body: ENVELOPES.NOT_FOUND,
    },
    // The catalogue leaves the message of a bad path open: the envelope and its BAD_REQUEST code are checked.
    { name: 'a lone % in the id', send: rawBytes(rawHead('GET', '/clients/%', [ACME])), status: 400 },
    { name: 'a truncated percent-encoded character in the id', send: rawBytes(rawHead('GET', '/clients/%E0%A4%A', [ACME])), status: 400 },
    { name: 'an encoded NUL as the id', send: request('GET', '/clients/%00'), status: 404, body: ENVELOPES.NOT_FOUND },
    { name: 'an 8 KB id', send: request('GET', `/clients/clt_${'a'.repeat(8_000)}`), status: 404, body: ENVELOPES.NOT_FOUND },
    {
      name: "another organisation's id",
      send: request('GET', (refs) => `/clients/${refs.globex.body.id}`),
      status: 404,
      body: ENVELOPES.NOT_FOUND,
    },
    {
      name: 'a 20 KB URL',
      send: rawBytes(rawHead('GET', `/clients?search=${'a'.repeat(20_000)}`, [ACME])),
      status: 431,
      body: ENVELOPES.HEADERS_TOO_LARGE,
      check: closesConnection,
    },
  ]);
});

describe('hostile input: methods', () => {
  const refPath = (refs: References): string => `/clients/${refs.acme.body.id}`;
  runCases([
    {
      name: 'DELETE /clients',
      send: request('DELETE', '/clients'),
      status: 405,
      body: ENVELOPES.METHOD_NOT_ALLOWED,
      check: (a) => assert.equal(a.header('allow'), 'GET, HEAD, POST'),
    },
    {
      name: 'PATCH /v2/api/clients',
      send: request('PATCH', '/v2/api/clients', { body: JANE }),
      status: 405,
      body: ENVELOPES.METHOD_NOT_ALLOWED,
      check: (a) => assert.equal(a.header('allow'), 'GET, HEAD, POST'),
    },
    {
      name: 'PUT /clients/{id} with a body',
      send: request('PUT', refPath, { body: '{"nameFirst":"Overwritten"}' }),
      status: 405,
      body: ENVELOPES.METHOD_NOT_ALLOWED,
      check: (a) => assert.equal(a.header('allow'), 'GET, HEAD'),
    },
    {
      name: 'DELETE /v2/api/clients/{id}',
      send: request('DELETE', (refs) => `/v2/api${refPath(refs)}`),
      status: 405,
      body: ENVELOPES.METHOD_NOT_ALLOWED,
      check: (a) => assert.equal(a.header('allow'), 'GET, HEAD'),
    },
    {
      name: 'TRACE /clients',
      send: rawBytes(rawHead('TRACE', '/clients', [ACME])),
      status: 405,
      body: ENVELOPES.METHOD_NOT_ALLOWED,
      check: (a) => assert.equal(a.header('allow'), 'GET, HEAD, POST'),
    },
    {
      name: 'a made-up method (FOO)',
      send: rawBytes(rawHead('FOO', '/clients', [ACME])),
      status: 400,
      body: ENVELOPES.BAD_REQUEST,
      check: closesConnection,
    },
    {
      name: 'a lower-case method (post)',
      send: rawBytes(rawHead('post', '/clients', [ACME])),
      status: 400,
      body: ENVELOPES.BAD_REQUEST,
      check: closesConnection,
    },
    {
      // Not a proxy: CONNECT must still be answered in the envelope, not by a dropped connection.
      name: 'CONNECT',
      send: rawBytes('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'),
      status: [400, 405],
      check: closesConnection,
    },
    {
      name: 'HEAD /clients (the GET answer without its body)',
      send: rawBytes(rawHead('HEAD', '/clients', [ACME]), true),
      status: 200,
      noBody: true,
      check: async (answer, fake) => {
        const get = await fake.call('GET', '/clients', { key: KEYS.acme });
        assert.equal(answer.header('content-type'), 'application/json; charset=utf-8');
        assert.equal(answer.header('content-length'), String(Buffer.byteLength(get.text)));
      },
    },
    { name: 'HEAD of an unknown client', send: rawBytes(rawHead('HEAD', '/clients/clt_nope', [ACME]), true), status: 404, noBody: true },
    {
      name: 'a CORS preflight for POST /v2/api/clients',
      send: request('OPTIONS', '/v2/api/clients', {
        key: null,
        headers: {
          Origin: 'http://localhost:5173',
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'x-api-key, content-type',
        },
      }),
      status: 204,
      noBody: true,
      check: (answer) => {
        assert.equal(answer.header('access-control-allow-origin'), '*');
        assert.match(answer.header('access-control-allow-methods') ?? '', /\bPOST\b/);
        assert.match(answer.header('access-control-allow-headers') ?? '', /x-api-key/i);
      },
    },
    {
      name: 'a CORS preflight for GET /clients/{id}',
      send: request('OPTIONS', '/clients/clt_x', {
        key: null,
        headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'GET' },
      }),
      status: 204,
      noBody: true,
      check: (answer) => assert.match(answer.header('access-control-allow-methods') ?? '', /\bGET\b/),
    },
    {
      name: 'OPTIONS that is no preflight (no Origin)',
      send: request('OPTIONS', '/clients'),
      status: 405,
      body: ENVELOPES.METHOD_NOT_ALLOWED,
      check: (a) => assert.equal(a.header('allow'), 'GET, HEAD, POST'),
    },
  ]);
});

describe('hostile input: headers and framing', () => {
  runCases([
    {
      name: 'an X-Api-Key of 100 KB',
      send: rawBytes(rawHead('GET', '/clients', [`X-Api-Key: ${'k'.repeat(100_000)}`])),
      status: 431,
      body: ENVELOPES.HEADERS_TOO_LARGE,
      check: closesConnection,
    },
    {
      name: '3,000 small headers',
      send: rawBytes(rawHead('GET', '/clients', [ACME, ...Array.from({ length: 3_000 }, (_, i) => `X-H${i}: v`)])),
      status: 431,
      body: ENVELOPES.HEADERS_TOO_LARGE,
      check: closesConnection,
    },
    {
      name: 'an X-Api-Key of bytes 0x80-0xFF',
      send: rawBytes(rawHead('GET', '/clients', ['X-Api-Key: \xff\xfe\x80\xe9'])),
      status: 401,
      body: ENVELOPES.UNAUTHORIZED,
    },
    {
      name: 'a control byte (0x01) in a header value',
      send: rawBytes(rawHead('GET', '/clients', [ACME, 'X-Odd: a\x01b'])),
      status: 400,
      body: ENVELOPES.BAD_REQUEST,
      check: closesConnection,
    },
    {
      name: 'a NUL byte in the X-Api-Key',
      send: rawBytes(rawHead('GET', '/clients', [`X-Api-Key: ${KEYS.acme}\x00`])),
      status: 400,
      body: ENVELOPES.BAD_REQUEST,
      check: closesConnection,
    },
    {
      name: 'a bare CR in a header value',
      send: rawBytes(rawHead('GET', '/clients', [ACME, 'X-Odd: a\rb'])),
      status: 400,
      body: ENVELOPES.BAD_REQUEST,
      check: closesConnection,
    },
    {
      name: 'an obsolete folded header line',
      send: rawBytes(rawHead('GET', '/clients', ['X-Api-Key: ath_test', ' _acme_7Kq2mV9xR4tLp8Zc'])),
      status: 400,
      body: ENVELOPES.BAD_REQUEST,
      check: closesConnection,
    },
    {
      name: 'a header without a name',
      send: rawBytes(rawHead('GET', '/clients', [ACME, ': nameless'])),
      status: 400,
      body: ENVELOPES.BAD_REQUEST,
      check: closesConnection,
    },
    {
      name: 'spaces around the X-Api-Key value (not part of the value)',
      send: rawBytes(rawHead('GET', '/clients', [`X-Api-Key: \t  ${KEYS.acme}  \t`])),
      status: 200,
    },
    {
      name: 'two X-Api-Key headers',
      send: rawBytes(rawHead('GET', '/clients', [ACME, `X-Api-Key: ${KEYS.globex}`])),
      status: 401,
      body: ENVELOPES.UNAUTHORIZED,
    },
    { name: 'an empty X-Api-Key', send: rawBytes(rawHead('GET', '/clients', ['X-Api-Key: '])), status: 401, body: ENVELOPES.UNAUTHORIZED },
    {
      name: 'an HTTP/1.1 request without a Host header',
      send: rawBytes(`GET /clients HTTP/1.1\r\n${ACME}\r\nConnection: close\r\n\r\n`),
      status: 400,
      body: ENVELOPES.MISSING_HOST,
      check: closesConnection,
    },
    {
      name: 'a TLS ClientHello sent to the HTTP port',
      send: rawBytes(Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03])),
      status: 400,
      body: ENVELOPES.BAD_REQUEST,
      check: closesConnection,
    },
    {
      name: 'both Content-Length and Transfer-Encoding (request smuggling)',
      send: rawBytes(
        `${rawHead('POST', '/clients', [ACME, JSON_TYPE, 'Content-Length: 4', 'Transfer-Encoding: chunked'])}2\r\n{}\r\n0\r\n\r\n`,
      ),
      status: 400,
      body: ENVELOPES.BAD_REQUEST,
      check: async (answer, fake) => {
        closesConnection(answer);
        await nothingStored(answer, fake);
      },
    },
    {
      name: 'two different Content-Length headers',
      send: rawBytes(`${rawHead('POST', '/clients', [ACME, JSON_TYPE, 'Content-Length: 2', 'Content-Length: 20'])}{}`),
      status: 400,
      body: ENVELOPES.BAD_REQUEST,
      check: nothingStored,
    },
    {
      name: 'a chunk size that is not hexadecimal',
      send: rawBytes(`${rawHead('POST', '/clients', [ACME, JSON_TYPE, 'Transfer-Encoding: chunked'])}zz\r\n{}\r\n0\r\n\r\n`),
      status: 400,
      body: ENVELOPES.BAD_REQUEST,
      check: nothingStored,
    },
  ]);
});

// ---- /requests --------------------------------------------------------------------------------

/** POST /requests with exactly these body bytes and header lines (the acme key and JSON type by default). */
function postRequestBytes(body: string | Buffer, headerLines: readonly string[] = [ACME, JSON_TYPE]): Send {
  return postBytes(body, headerLines, '/requests');
}

/** The 422 the requests oracle says the body `text` must get (in org_acme, whose only client is `clientId`). */
function requestOracle422(text: string, clientIds: readonly string[] = []): unknown {
  const errors = expectedRequestErrors(JSON.parse(text), new Set(clientIds));
  assert.notEqual(errors.length, 0, 'the case must be a body the oracle rejects');
  return validationError(errors);
}

/** The requests of org_acme, as GET /requests counts them. */
async function acmeRequestTotal(fake: TestFake): Promise<number> {
  const list = await fake.call('GET', '/requests?limit=1', { key: KEYS.acme });
  assert.equal(list.status, 200);
  return list.body.pagination.total as number;
}

/** Refused with nothing stored: org_acme still has only its reference request, its client one request. */
async function noRequestStored(_answer: Answer, fake: TestFake): Promise<void> {
  assert.equal(await acmeRequestTotal(fake), 1);
  const exported = await fake.state.export();
  const clients = exported.clients.filter((c) => c.orgId === 'org_acme');
  assert.deepEqual(
    clients.map((c) => c.requestCount),
    [1],
    "the acme reference client's requestCount",
  );
}

/** A 201 that stores exactly what the oracle reads from `sent`, and a GET that answers it with an empty detail. */
function requestCreated(sent: unknown): Check {
  return async (answer, fake) => {
    const exported = await fake.state.export();
    const acmeClients = exported.clients.filter((c) => c.orgId === 'org_acme');
    const context: RequestContext = {
      orgId: 'org_acme',
      requestor: {
        requestorName: answer.body.requestorName,
        requestorEmail: answer.body.requestorEmail,
        requestorCompany: answer.body.requestorCompany,
      },
      clients: new Map(acmeClients.map((c) => [c.id, c])),
    };
    assertCreatedRequest(answer.body, sent, context);
    const stored = await fake.call('GET', `/requests/${answer.body.id}`, { key: KEYS.acme });
    assert.equal(stored.status, 200);
    assert.deepStrictEqual(stored.body, { ...answer.body, ...emptyDetail(answer.body.requirements) });
    assert.equal(await acmeRequestTotal(fake), 2);
  };
}

function requestCreatedFrom(text: string): Check {
  return requestCreated(JSON.parse(text));
}

const IDV = '"type":"idv","requirements":["document"]';

describe('hostile input: /requests bodies that are broken or not objects', () => {
  runCases(
    [
      {
        name: 'a truncated request body',
        send: postRequestBytes('{"type":"id'),
        status: 400,
        body: ENVELOPES.MALFORMED_JSON,
        check: noRequestStored,
      },
      {
        name: 'a request body with a trailing comma',
        send: postRequestBytes(`{${IDV},}`),
        status: 400,
        body: ENVELOPES.MALFORMED_JSON,
        check: noRequestStored,
      },
      {
        name: 'NaN as expiresDays',
        send: postRequestBytes(`{${IDV},"expiresDays":NaN}`),
        status: 400,
        body: ENVELOPES.MALFORMED_JSON,
        check: noRequestStored,
      },
      {
        name: '600,000 unclosed brackets to /requests',
        send: postRequestBytes('['.repeat(600_000)),
        status: 400,
        body: ENVELOPES.MALFORMED_JSON,
      },
      ...['null', '[]', `[{${IDV}}]`, '"idv"', '42', 'true', '{}'].map((text) => ({
        name: `the request body ${text}`,
        send: postRequestBytes(text),
        status: 422,
        body: requestOracle422(text),
        check: noRequestStored,
      })),
      {
        name: 'the documented 422 example, {"requirements":[]}',
        send: postRequestBytes('{"requirements":[]}'),
        status: 422,
        body: {
          code: 'VALIDATION_ERROR',
          message: 'Validation failed',
          statusCode: 422,
          errors: [
            { field: 'type', message: 'Required' },
            { field: 'requirements', message: 'Array must contain at least 1 element(s)' },
          ],
        },
        check: noRequestStored,
      },
      {
        name: 'an empty request body with a JSON Content-Type',
        send: postRequestBytes(''),
        status: 422,
        body: validationError([{ field: '', message: 'Required' }]),
        check: noRequestStored,
      },
      {
        name: 'an empty chunked request body with a JSON Content-Type',
        send: rawBytes(`${rawHead('POST', '/requests', [ACME, JSON_TYPE, 'Transfer-Encoding: chunked'])}0\r\n\r\n`),
        status: 422,
        body: validationError([{ field: '', message: 'Required' }]),
        check: noRequestStored,
      },
      {
        name: 'POST /requests without a body or Content-Type',
        send: request('POST', '/requests'),
        status: 422,
        body: validationError([{ field: '', message: 'Required' }]),
        check: noRequestStored,
      },
      {
        name: 'a request body sent as text/plain',
        send: postRequestBytes(`{${IDV}}`, [ACME, 'Content-Type: text/plain']),
        status: 415,
        body: ENVELOPES.UNSUPPORTED_MEDIA_TYPE,
        check: noRequestStored,
      },
      {
        name: 'a gzip-encoded request body',
        send: postRequestBytes(gzipSync(`{${IDV}}`), [ACME, JSON_TYPE, 'Content-Encoding: gzip']),
        status: 201,
        check: requestCreatedFrom(`{${IDV}}`),
      },
      {
        name: 'a UTF-16LE request body that says so',
        send: postRequestBytes(Buffer.from(`{${IDV},"subjectName":"Zoë 👩"}`, 'utf16le'), [
          ACME,
          'Content-Type: application/json; charset=utf-16le',
        ]),
        status: 201,
        check: requestCreated({ type: 'idv', requirements: ['document'], subjectName: 'Zoë 👩' }),
      },
    ],
    true,
  );
});

describe('hostile input: /requests sizes, depth and many keys', () => {
  const deepConfig = `{${IDV},"config":${nestedObjects(10_000)}}`;
  const deepRequirements = `{"type":"idv","requirements":${nestedArrays(300_000)}}`;
  const longName = JSON.stringify({ type: 'idv', requirements: ['document'], subjectName: 'é'.repeat(450_000) });
  const manyConfigKeys = JSON.stringify({
    type: 'idv',
    requirements: ['document'],
    config: Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i])),
  });
  const manyUnknown = JSON.stringify({
    type: 'idv',
    requirements: ['document'],
    ...Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`u${i}`, 0])),
  });
  const manyRequirements = JSON.stringify({
    type: 'kyc',
    requirements: Array.from({ length: 20_000 }, (_, i) => (i % 2 ? 'person' : 'document')),
  });
  const manyBadRequirements = JSON.stringify({ type: 'kyc', requirements: Array.from({ length: 1_000 }, (_, i) => `step${i}`) });
  const manyThirdParties = JSON.stringify({
    type: 'share',
    requirements: ['document'],
    thirdParties: Array.from({ length: 2_000 }, (_, i) => ({ name: `Party ${i}`, email: `p${i}@example.com`, sharedFields: ['person'] })),
  });
  const pathologicalEmail = JSON.stringify({
    type: 'idv',
    requirements: ['document'],
    subjectEmail: `${'a'.repeat(100_000)}@${'a.'.repeat(50_000)}1`,
  });
  runCases(
    [
      {
        name: 'a 1.1 MB request body (limit 1 MB)',
        send: postRequestBytes(JSON.stringify({ type: 'idv', requirements: ['document'], config: { blob: 'x'.repeat(1_100_000) } })),
        status: 413,
        body: ENVELOPES.PAYLOAD_TOO_LARGE,
        check: noRequestStored,
      },
      {
        name: 'a gzip bomb to /requests',
        send: postRequestBytes(gzipSync(Buffer.alloc(20_000_000, ' ')), [ACME, JSON_TYPE, 'Content-Encoding: gzip']),
        status: 413,
        body: ENVELOPES.PAYLOAD_TOO_LARGE,
        check: noRequestStored,
      },
      { name: 'config nested 10,000 levels deep', send: postRequestBytes(deepConfig), status: [400, 413, 422], check: noRequestStored },
      {
        name: 'requirements nested 300,000 arrays deep',
        send: postRequestBytes(deepRequirements),
        status: [400, 413, 422],
        check: noRequestStored,
      },
      {
        name: 'config nested 20 levels deep',
        send: postRequestBytes(`{${IDV},"config":${nestedObjects(20)}}`),
        status: 201,
        check: requestCreatedFrom(`{${IDV},"config":${nestedObjects(20)}}`),
      },
      {
        name: 'a subjectName of 450,000 characters',
        send: postRequestBytes(longName),
        status: 422,
        body: requestOracle422(longName),
        check: noRequestStored,
      },
      { name: 'config with 50,000 keys', send: postRequestBytes(manyConfigKeys), status: 201, check: requestCreatedFrom(manyConfigKeys) },
      {
        name: '50,000 unknown top-level keys in a request',
        send: postRequestBytes(manyUnknown),
        status: 201,
        check: requestCreated({ type: 'idv', requirements: ['document'] }),
      },
      {
        name: '20,000 requirements (duplicates are not checked)',
        send: postRequestBytes(manyRequirements),
        status: 201,
        check: requestCreatedFrom(manyRequirements),
      },
      {
        name: '1,000 unknown requirements (one error each)',
        send: postRequestBytes(manyBadRequirements),
        status: 422,
        body: requestOracle422(manyBadRequirements),
        check: noRequestStored,
      },
      { name: '2,000 third parties', send: postRequestBytes(manyThirdParties), status: 201, check: requestCreatedFrom(manyThirdParties) },
      {
        name: 'a 200 KB subjectEmail built to make a regex backtrack',
        send: postRequestBytes(pathologicalEmail),
        status: 422,
        body: requestOracle422(pathologicalEmail),
        check: noRequestStored,
      },
    ],
    true,
  );
});

describe('hostile input: /requests wrong types, odd numbers and unicode', () => {
  const numbers =
    '{"type":1,"requirements":[1,2],"clientId":1,"matterId":2,"subjectName":3,"subjectEmail":4,"subjectPhone":5551234,"expiresDays":"7","config":7,"thirdParties":8}';
  const others =
    '{"type":["idv"],"requirements":"document","clientId":{},"matterId":[],"subjectName":true,"subjectEmail":false,"subjectPhone":{},"expiresDays":null,"config":null,"thirdParties":null}';
  const thirdParties = `{${IDV},"thirdParties":[{"name":null,"email":"x","org":1,"sharedFields":"person"},7,null,{"name":"ok","email":"ok@example.com","sharedFields":[null]}]}`;
  const emoji64 = `{${IDV},"subjectName":"${'😀'.repeat(64)}"}`;
  const emoji65 = `{${IDV},"subjectName":"${'😀'.repeat(65)}"}`;
  const combining = `{${IDV},"subjectPhone":"${'e\u0301'.repeat(17)}"}`;
  const surrogates = `{${IDV},"subjectName":"\\ud800","subjectPhone":"\\udc00x","config":{"\\udfff":"\\ud83d"}}`;
  runCases(
    [
      {
        name: 'numbers in every request field',
        send: postRequestBytes(numbers),
        status: 422,
        body: requestOracle422(numbers),
        check: noRequestStored,
      },
      {
        name: 'arrays, objects, booleans and null in request fields',
        send: postRequestBytes(others),
        status: 422,
        body: requestOracle422(others),
        check: noRequestStored,
      },
      {
        name: 'broken third parties (dotted fields)',
        send: postRequestBytes(thirdParties),
        status: 422,
        body: requestOracle422(thirdParties),
        check: noRequestStored,
      },
      {
        // JSON.parse reads 1e400 as Infinity: Zod's int() refuses it (a JSON Schema integer check may not).
        name: 'expiresDays 1e400 (Infinity)',
        send: postRequestBytes(`{${IDV},"expiresDays":1e400}`),
        status: 422,
        body: requestOracle422(`{${IDV},"expiresDays":1e400}`),
        check: noRequestStored,
      },
      {
        name: 'expiresDays -0',
        send: postRequestBytes(`{${IDV},"expiresDays":-0}`),
        status: 422,
        body: requestOracle422(`{${IDV},"expiresDays":-0}`),
        check: noRequestStored,
      },
      {
        name: 'expiresDays 7.0 (an integer in JSON)',
        send: postRequestBytes(`{${IDV},"expiresDays":7.0}`),
        status: 201,
        check: requestCreatedFrom(`{${IDV},"expiresDays":7}`),
      },
      {
        name: 'expiresDays 90.0000000000000001 (90 as a double)',
        send: postRequestBytes(`{${IDV},"expiresDays":90.0000000000000001}`),
        status: 201,
        check: requestCreatedFrom(`{${IDV},"expiresDays":90}`),
      },
      {
        name: 'a subjectName of 64 emoji (128 UTF-16 units)',
        send: postRequestBytes(emoji64),
        status: 201,
        check: requestCreatedFrom(emoji64),
      },
      {
        // Zod counts UTF-16 units: 65 emoji are 130 of them, though only 65 code points.
        name: 'a subjectName of 65 emoji (130 UTF-16 units, 65 code points)',
        send: postRequestBytes(emoji65),
        status: 422,
        body: requestOracle422(emoji65),
        check: noRequestStored,
      },
      {
        name: 'a subjectPhone of 17 e + combining accent (34 units)',
        send: postRequestBytes(combining),
        status: 422,
        body: requestOracle422(combining),
        check: noRequestStored,
      },
      {
        name: 'escaped lone surrogates in request strings and config keys',
        send: postRequestBytes(surrogates),
        status: 201,
        check: requestCreatedFrom(surrogates),
      },
      {
        name: 'raw bytes that are not UTF-8 in subjectName',
        send: postRequestBytes(Buffer.concat([Buffer.from(`{${IDV},"subjectName":"`), Buffer.from([0xff, 0xc3, 0x28]), Buffer.from('"}')])),
        status: 201,
        check: requestCreated({ type: 'idv', requirements: ['document'], subjectName: '\uFFFD\uFFFD(' }),
      },
      {
        name: 'a matterId uuid in upper case with braces',
        send: postRequestBytes(`{${IDV},"matterId":"{123E4567-E89B-12D3-A456-426614174000}"}`),
        status: 422,
        body: requestOracle422(`{${IDV},"matterId":"{123E4567-E89B-12D3-A456-426614174000}"}`),
        check: noRequestStored,
      },
      {
        name: 'type twice (the last one wins)',
        send: postRequestBytes('{"type":"bogus","type":"kyc","requirements":["person"]}'),
        status: 201,
        check: requestCreated({ type: 'kyc', requirements: ['person'] }),
      },
    ],
    true,
  );
});

describe('hostile input: /requests clientId, __proto__ and strict mode', () => {
  const proto =
    '{"__proto__":{"type":"share","status":"approved"},"constructor":{"prototype":{"polluted":"yes"}},"type":"idv","requirements":["document"],"config":{"__proto__":{"polluted":"yes","isAdmin":true}},"thirdParties":[{"name":"P","email":"p@example.com","__proto__":{"polluted":"yes"}}]}';
  runCases(
    [
      ...['clt_nope', '../clients', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '', ' ', 'clt_01j9abc456'].map(
        (clientId) => ({
          name: `clientId ${JSON.stringify(clientId)} (no client of the organisation)`,
          send: postRequestBytes(JSON.stringify({ type: 'kyc', requirements: ['document'], clientId })),
          status: 422,
          body: validationError([{ field: 'clientId', message: 'Client not found' }]),
          check: noRequestStored,
        }),
      ),
      {
        name: "another organisation's client id as clientId",
        send: async (fake: TestFake, refs: References) =>
          postRequestBytes(JSON.stringify({ type: 'kyc', requirements: ['document'], clientId: refs.globex.body.id }))(fake, refs),
        status: 422,
        body: validationError([{ field: 'clientId', message: 'Client not found' }]),
        check: async (answer: Answer, fake: TestFake) => {
          await noRequestStored(answer, fake);
          const globex = (await fake.state.export()).clients.filter((c) => c.orgId === 'org_globex');
          assert.deepEqual(
            globex.map((c) => c.requestCount),
            [0],
            "the other organisation's client is untouched",
          );
        },
      },
      {
        name: 'a request id as clientId',
        send: async (fake: TestFake, refs: References) =>
          postRequestBytes(JSON.stringify({ type: 'kyc', requirements: ['document'], clientId: refs.requests!.acme.body.id }))(fake, refs),
        status: 422,
        body: validationError([{ field: 'clientId', message: 'Client not found' }]),
        check: noRequestStored,
      },
      {
        name: '__proto__, constructor and prototype keys at the top level, in config and in a third party',
        send: postRequestBytes(proto),
        status: 201,
        check: async (answer: Answer, fake: TestFake) => {
          await requestCreatedFrom(proto)(answer, fake);
          assert.equal(answer.body.type, 'idv');
          assert.equal(answer.body.status, 'initiated', 'status must not come from __proto__');
        },
      },
      {
        name: 'an unknown key in strict mode',
        options: { strict: true },
        send: postRequestBytes(`{${IDV},"foo":1}`),
        status: 422,
        body: validationError(expectedRequestErrors(JSON.parse(`{${IDV},"foo":1}`), new Set(), true)),
        check: noRequestStored,
      },
      {
        name: 'read-only keys in strict mode',
        options: { strict: true },
        send: postRequestBytes(`{${IDV},"status":"approved","accessToken":"x"}`),
        status: 422,
        body: validationError(expectedRequestErrors(JSON.parse(`{${IDV},"status":"approved","accessToken":"x"}`), new Set(), true)),
        check: noRequestStored,
      },
      {
        name: 'read-only keys (dropped)',
        send: postRequestBytes(
          `{${IDV},"id":"req_mine","status":"approved","accessToken":"x","score":100,"createdAt":"2000-01-01T00:00:00.000Z"}`,
        ),
        status: 201,
        check: requestCreated({ type: 'idv', requirements: ['document'] }),
      },
    ],
    true,
  );
});

describe('hostile input: /requests ids, paths, methods and queries', () => {
  const refPath = (refs: References): string => `/requests/${refs.requests!.acme.body.id}`;
  runCases(
    [
      {
        name: 'a request id with encoded path traversal',
        send: request('GET', '/requests/..%2F..%2Fetc%2Fpasswd'),
        status: 404,
        body: ENVELOPES.NOT_FOUND,
      },
      {
        name: 'encoded dot segments from /verifications into the admin API',
        send: rawBytes(rawHead('GET', '/v2/api/verifications/%2e%2e/%2e%2e/%2e%2e/__admin/state', [ACME])),
        status: 404,
        body: ENVELOPES.NOT_FOUND,
      },
      {
        name: 'an encoded slash after a real request id',
        send: request('GET', (refs) => `${refPath(refs)}%2F..`),
        status: 404,
        body: ENVELOPES.NOT_FOUND,
      },
      { name: 'a lone % in the request id', send: rawBytes(rawHead('GET', '/requests/%', [ACME])), status: 400 },
      {
        name: 'a truncated percent-encoding in the request id',
        send: rawBytes(rawHead('GET', '/verifications/%E0%A4%A', [ACME])),
        status: 400,
      },
      { name: 'an encoded NUL as the request id', send: request('GET', '/requests/%00'), status: 404, body: ENVELOPES.NOT_FOUND },
      { name: 'an 8 KB request id', send: request('GET', `/requests/req_${'a'.repeat(8_000)}`), status: 404, body: ENVELOPES.NOT_FOUND },
      {
        name: 'a client id as a request id',
        send: request('GET', (refs) => `/requests/${refs.acme.body.id}`),
        status: 404,
        body: ENVELOPES.NOT_FOUND,
      },
      {
        name: "another organisation's request id",
        send: request('GET', (refs) => `/requests/${refs.requests!.globex.body.id}`),
        status: 404,
        body: ENVELOPES.NOT_FOUND,
      },
      {
        name: "another organisation's request id under /v2/api/verifications",
        send: request('GET', (refs) => `/v2/api/verifications/${refs.requests!.globex.body.id}`),
        status: 404,
        body: ENVELOPES.NOT_FOUND,
      },
      {
        name: 'DELETE /requests',
        send: request('DELETE', '/requests'),
        status: 405,
        body: ENVELOPES.METHOD_NOT_ALLOWED,
        check: (a) => assert.equal(a.header('allow'), 'GET, HEAD, POST'),
      },
      {
        name: 'PATCH /v2/api/verifications',
        send: request('PATCH', '/v2/api/verifications', { body: `{${IDV}}` }),
        status: 405,
        body: ENVELOPES.METHOD_NOT_ALLOWED,
        check: async (a, fake) => {
          assert.equal(a.header('allow'), 'GET, HEAD, POST');
          await noRequestStored(a, fake);
        },
      },
      {
        name: 'PUT /requests/{id} with a body',
        send: request('PUT', refPath, { body: '{"status":"approved"}' }),
        status: 405,
        body: ENVELOPES.METHOD_NOT_ALLOWED,
        check: (a) => assert.equal(a.header('allow'), 'GET, HEAD'),
      },
      {
        name: 'DELETE /verifications/{id}',
        send: request('DELETE', (refs) => `/verifications/${refs.requests!.acme.body.id}`),
        status: 405,
        body: ENVELOPES.METHOD_NOT_ALLOWED,
        check: (a) => assert.equal(a.header('allow'), 'GET, HEAD'),
      },
      {
        name: 'TRACE /requests',
        send: rawBytes(rawHead('TRACE', '/requests', [ACME])),
        status: 405,
        body: ENVELOPES.METHOD_NOT_ALLOWED,
        check: (a) => assert.equal(a.header('allow'), 'GET, HEAD, POST'),
      },
      {
        name: 'HEAD of an unknown request',
        send: rawBytes(rawHead('HEAD', '/requests/req_nope', [ACME]), true),
        status: 404,
        noBody: true,
      },
      {
        name: 'POST /requests without a key',
        send: request('POST', '/requests', { key: null, body: `{${IDV}}` }),
        status: 401,
        body: ENVELOPES.UNAUTHORIZED,
        check: noRequestStored,
      },
      {
        name: '?status=cancelled (two "l"s)',
        send: request('GET', '/requests?status=cancelled'),
        status: 422,
        body: validationError(expectedRequestQueryErrors({ status: 'cancelled' })),
      },
      {
        name: '?type=IDV',
        send: request('GET', '/requests?type=IDV'),
        status: 422,
        body: validationError(expectedRequestQueryErrors({ type: 'IDV' })),
      },
      {
        name: '?status=initiated&status=expired',
        send: request('GET', '/requests?status=initiated&status=expired'),
        status: 422,
        body: validationError(expectedRequestQueryErrors({ status: ['initiated', 'expired'] })),
      },
      {
        name: '?page=1&page=2 on /requests',
        send: request('GET', '/requests?page=1&page=2'),
        status: 422,
        body: validationError([{ field: 'page', message: 'Expected number, received nan' }]),
      },
      {
        name: "?clientId= another organisation's client (an empty page)",
        send: request('GET', (refs) => `/requests?clientId=${refs.globex.body.id}`),
        status: 200,
        check: (a) => assert.deepEqual(a.body.data, []),
      },
      {
        name: '__proto__ and bracketed keys in the /requests query (ignored)',
        send: request('GET', '/requests?__proto__=x&constructor=y&status[$ne]=x'),
        status: 200,
        check: (a) => assert.equal(a.body.pagination.total, 1),
      },
    ],
    true,
  );
});
