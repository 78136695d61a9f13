// parseFaultSpec and checkFaultRule, table-driven: how a --fault SPEC reads into a rule, and which
// rules pass the check and with which errors. (config.test.ts runs the documented examples
// through parseConfig; fault-injection.test.ts sends invalid rules to the admin API.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkFaultRule, parseFaultSpec } from '../src/faults/fault-rule.js';
import type { ExpectedFieldError } from './support/envelopes.js';

const USAGE = 'expected METHOD PATH [key=value ...], e.g. "POST /clients status=429 times=2"';
const unknownOption = (option: string): string =>
  `unknown option '${option}' (use status=, delay=, times=, probability=, network=, apiKey=, orgId=)`;

describe('parseFaultSpec', () => {
  // [spec, the rule it reads as]
  const PARSED: [string, Record<string, unknown>][] = [
    ['delete /v2/api/clients/* delay=0', { method: 'DELETE', path: '/v2/api/clients/*', delayMs: 0 }],
    [' \t get   /clients/*\tSTATUS=503  ', { method: 'GET', path: '/clients/*', status: 503 }],
    ['* * delayms=250', { method: '*', path: '*', delayMs: 250 }],
    ['PUT /x network=malformed', { method: 'PUT', path: '/x', network: 'malformed' }],
    ['GET /x malformed', { method: 'GET', path: '/x', network: 'malformed' }],
    ['GET /x apikey=MyKey ORGID=123 status=500', { method: 'GET', path: '/x', apiKey: 'MyKey', orgId: '123', status: 500 }],
    ['HEAD /x probability=.25 times=3 status=404', { method: 'HEAD', path: '/x', probability: 0.25, times: 3, status: 404 }],
  ];
  for (const [spec, rule] of PARSED) {
    it(`reads ${JSON.stringify(spec)}`, () => {
      assert.deepEqual(parseFaultSpec(spec), rule);
    });
  }

  // [spec, the error it throws]
  const REFUSED: [string, string][] = [
    ['', USAGE],
    ['   ', USAGE],
    ['POST', USAGE],
    ['GET /x status', unknownOption('status')],
    ['GET /x status=5=0', unknownOption('status=5=0')],
    ['GET /x =5', unknownOption('=5')],
    ['* * Delay=10 DELAYMS=20', "'DELAYMS=20' and 'Delay=10' both give delayMs; a rule has one"],
    ['GET /x status=500 status=503', "'status=503' and 'status=500' both give status; a rule has one"],
    ['GET /x reset hang', "'hang' and 'reset' both give network; a rule has one"],
    ['GET /x network=reset malformed', "'malformed' and 'network=reset' both give network; a rule has one"],
    ['GET /x times=1 status=500 times=2', "'times=2' and 'times=1' both give times; a rule has one"],
    ['GET /x after=1', unknownOption('after=1')],
  ];
  for (const [spec, message] of REFUSED) {
    it(`refuses ${JSON.stringify(spec)}`, () => {
      assert.throws(() => parseFaultSpec(spec), { message });
    });
  }

  // [spec, what the check then says of the rule it reads as]
  const CHECKED: [string, ExpectedFieldError[]][] = [
    ['GET /x status=abc', [{ field: 'status', message: 'Expected number, received nan' }]],
    ['GET /x times=2.5 status=500', [{ field: 'times', message: 'Expected integer, received float' }]],
    ['GET /x delay=-1', [{ field: 'delayMs', message: 'Number must be greater than or equal to 0' }]],
    ['GET /x status=1e3', [{ field: 'status', message: 'Number must be less than or equal to 599' }]],
    [
      'GET /x network=explode',
      [{ field: 'network', message: "Invalid enum value. Expected 'reset' | 'hang' | 'malformed', received 'explode'" }],
    ],
    ['GET /x apiKey=acme', [{ field: '', message: 'A rule needs an effect: status, delayMs or network' }]],
    ['GET /x status=500 reset', [{ field: 'network', message: 'A rule has either a status or a network fault, not both' }]],
    ['GET x status=500', [{ field: 'path', message: 'Invalid' }]],
  ];
  for (const [spec, errors] of CHECKED) {
    it(`reads ${JSON.stringify(spec)} into a rule the check refuses`, () => {
      assert.deepEqual(checkFaultRule(parseFaultSpec(spec)), errors);
    });
  }
});

describe('checkFaultRule', () => {
  const VALID: unknown[] = [
    { status: 500 },
    { status: 400 },
    { status: 599, headers: {} },
    { status: 500, body: null },
    { status: 418, body: 'plain text', headers: { 'X-Trace': 'a b; c=d' } },
    { status: 503, headers: { 'Retry-After': '30', 'X-Latin-1': 'café', 'Content-Type': 'text/plain' } },
    { delayMs: 0 },
    { delayMs: 600_000 },
    { network: 'hang' },
    { delayMs: 10, network: 'reset' },
    { method: 'HEAD', path: '/', apiKey: 'acme', orgId: 'org_x', times: 1, probability: 0, status: 404 },
    { method: '*', path: '*', probability: 1, delayMs: 5 },
  ];
  for (const rule of VALID) {
    it(`accepts ${JSON.stringify(rule)}`, () => {
      assert.deepEqual(checkFaultRule(rule), []);
    });
  }

  // Cases the admin API test does not send.
  const INVALID: [unknown, ExpectedFieldError[]][] = [
    [null, [{ field: '', message: 'Expected object, received null' }]],
    ['status=500', [{ field: '', message: 'Expected object, received string' }]],
    [{ status: 600 }, [{ field: 'status', message: 'Number must be less than or equal to 599' }]],
    [{ status: 429.5 }, [{ field: 'status', message: 'Expected integer, received float' }]],
    [
      { method: 'get', status: 500 },
      [
        {
          field: 'method',
          message: "Invalid enum value. Expected '*' | 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', received 'get'",
        },
      ],
    ],
    [{ path: '', status: 500 }, [{ field: 'path', message: 'Invalid' }]],
    [{ apiKey: '', status: 500 }, [{ field: 'apiKey', message: 'String must contain at least 1 character(s)' }]],
    [{ orgId: '', status: 500 }, [{ field: 'orgId', message: 'String must contain at least 1 character(s)' }]],
    [{ status: 500, times: 1.5 }, [{ field: 'times', message: 'Expected integer, received float' }]],
    [{ status: 500, probability: -0.1 }, [{ field: 'probability', message: 'Number must be greater than or equal to 0' }]],
    [{ delayMs: 600_001 }, [{ field: 'delayMs', message: 'Number must be less than or equal to 600000' }]],
    [{ delayMs: 1.5 }, [{ field: 'delayMs', message: 'Expected integer, received float' }]],
    [{ status: 500, headers: [] }, [{ field: 'headers', message: 'Expected object, received array' }]],
    [{ status: 500, headers: { 'X-A': 1 } }, [{ field: 'headers.X-A', message: 'Expected string, received number' }]],
    ...(
      [
        ['X-Price', '5 €'],
        ['X-Nul', 'a\u0000b'],
        ['X-Split', 'a\r\nSet-Cookie: x=1'],
        ['X-Lf', 'a\nb'],
      ] as const
    ).map(([name, value]): [unknown, ExpectedFieldError[]] => [
      { status: 500, headers: { 'X-Ok': 'fine', [name]: value } },
      [{ field: `headers.${name}`, message: 'Invalid header value: characters beyond Latin-1, NUL, CR and LF cannot be sent' }],
    ]),
    ...['X Space', 'X:Colon', 'Ünicode', ''].map((name): [unknown, ExpectedFieldError[]] => [
      { status: 500, headers: { [name]: 'v' } },
      [{ field: `headers.${name}`, message: "Invalid header name: use letters, digits and !#$%&'*+-.^_`|~" }],
    ]),
    ...['Transfer-Encoding', 'content-length', 'Connection', 'Keep-Alive', 'Upgrade', 'TE', 'Trailer', 'Proxy-Connection'].map(
      (name): [unknown, ExpectedFieldError[]] => [
        { status: 500, headers: { [name]: 'chunked' } },
        [{ field: `headers.${name}`, message: `${name} frames the answer or governs the connection; a rule cannot set it` }],
      ],
    ),
    [{ body: {} }, [{ field: '', message: 'A rule needs an effect: status, delayMs or network' }]],
    [{ network: 'reset', body: {} }, [{ field: 'body', message: 'body and headers go with a status' }]],
    [{ network: 'reset', headers: {} }, [{ field: 'headers', message: 'body and headers go with a status' }]],
    [{ delayMs: 5, headers: { 'X-A': 'b' } }, [{ field: 'headers', message: 'body and headers go with a status' }]],
    // One problem at a time: the either/or before body and headers, the schema before both.
    [
      { status: 500, network: 'reset', body: {} },
      [{ field: 'network', message: 'A rule has either a status or a network fault, not both' }],
    ],
    [{ status: 200, network: 'reset' }, [{ field: 'status', message: 'Number must be greater than or equal to 400' }]],
  ];
  for (const [rule, errors] of INVALID) {
    it(`refuses ${JSON.stringify(rule)}`, () => {
      assert.deepEqual(checkFaultRule(rule), errors);
    });
  }
});
