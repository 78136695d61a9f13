// parseConfig: precedence (flag, environment, default) and every value check, table-driven.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCliConfig, parseConfig, PROGRAMMATIC_DEFAULTS } from '../src/config.js';
import { startFake } from '../src/index.js';
import { PACKAGE_FIXTURES } from '../src/paths.js';

describe('parseConfig', () => {
  it('has working defaults for the CLI', () => {
    assert.deepEqual(parseConfig({}), {
      port: 4010,
      host: '127.0.0.1',
      store: { kind: 'file', path: './.athenty-fake/db.json' },
      keysFile: PACKAGE_FIXTURES.keys,
      seedFile: PACKAGE_FIXTURES.seed,
      strict: false,
      logLevel: 'info',
      bodyLimitBytes: 1048576,
      adminToken: undefined,
      rateLimit: 100,
      rateWindowSeconds: 60,
      faultRules: [],
      faultsFile: undefined,
      randomSeed: undefined,
      clock: { mode: 'system' },
      magicDelayMs: 2000,
      journalSize: 1000,
      journalBytes: 33554432,
      durable: false,
      cors: true,
      webhookUrls: [],
      webhookSecret: undefined,
    });
  });

  it('uses port 0, memory and warn for in-process use', () => {
    const config = parseConfig({}, {}, PROGRAMMATIC_DEFAULTS);
    assert.deepEqual([config.port, config.store, config.logLevel], [0, { kind: 'memory' }, 'warn']);
  });

  it('takes a flag over its environment variable, and the variable over the default', () => {
    assert.equal(parseConfig({ port: 5000 }, { ATHENTY_FAKE_PORT: '6000' }).port, 5000);
    assert.equal(parseConfig({}, { ATHENTY_FAKE_PORT: '6000' }).port, 6000);
    assert.equal(parseConfig({}, { ATHENTY_FAKE_HOST: '0.0.0.0' }).host, '0.0.0.0');
    assert.deepEqual(parseConfig({}, { ATHENTY_FAKE_DB: 'memory' }).store, { kind: 'memory' });
    assert.equal(parseConfig({}, { ATHENTY_FAKE_SEED: 'none' }).seedFile, undefined);
  });

  it('parses --fault rules, repeated or from the variable', () => {
    assert.deepEqual(
      parseConfig({ fault: ['POST /clients status=429 times=2', '* /clients* delay=300 probability=0.5 reset'] }).faultRules,
      [
        { method: 'POST', path: '/clients', status: 429, times: 2 },
        { method: '*', path: '/clients*', delayMs: 300, probability: 0.5, network: 'reset' },
      ],
    );
    assert.deepEqual(
      parseConfig({}, { ATHENTY_FAKE_FAULT: 'get /clients/* status=404 apiKey=acme; POST /v2/api/clients hang orgId=org_x' }).faultRules,
      [
        { method: 'GET', path: '/clients/*', status: 404, apiKey: 'acme' },
        { method: 'POST', path: '/v2/api/clients', network: 'hang', orgId: 'org_x' },
      ],
    );
  });

  it('reads --magic-delay as milliseconds, or with ms, s, m or h', () => {
    for (const [given, ms] of [
      ['2000', 2000],
      [1500, 1500],
      ['500ms', 500],
      ['2s', 2000],
      ['1.5s', 1500],
      ['1m', 60_000],
      ['1h', 3_600_000],
      ['0', 0],
    ] as const) {
      assert.equal(parseConfig({ magicDelay: given }).magicDelayMs, ms, String(given));
    }
    assert.equal(parseConfig({}, { ATHENTY_FAKE_MAGIC_DELAY: '30s' }).magicDelayMs, 30_000);
  });

  it('reads --clock as the system time or a frozen instant', () => {
    assert.deepEqual(parseConfig({ clock: '2026-01-01T00:00:00.000Z' }).clock, {
      mode: 'frozen',
      at: Date.parse('2026-01-01T00:00:00.000Z'),
    });
    assert.deepEqual(parseConfig({}, { ATHENTY_FAKE_CLOCK: '2026-06-01T12:00:00+02:00' }).clock, {
      mode: 'frozen',
      at: Date.parse('2026-06-01T10:00:00Z'),
    });
    assert.deepEqual(parseConfig({ clock: 'system' }).clock, { mode: 'system' });
  });

  it('returns a frozen config', () => {
    assert.ok(Object.isFrozen(parseConfig({})));
  });

  const GOOD: [Record<string, unknown>, Record<string, string>, string, unknown][] = [
    [{ bodyLimit: '512kb' }, {}, 'bodyLimitBytes', 524288],
    [{ bodyLimit: '2MB' }, {}, 'bodyLimitBytes', 2097152],
    [{ bodyLimit: 100 }, {}, 'bodyLimitBytes', 100],
    [{}, { ATHENTY_FAKE_BODY_LIMIT: '1.5kb' }, 'bodyLimitBytes', 1536],
    [{}, { ATHENTY_FAKE_STRICT: 'true' }, 'strict', true],
    [{}, { ATHENTY_FAKE_STRICT: '1' }, 'strict', true],
    [{}, { ATHENTY_FAKE_STRICT: 'off' }, 'strict', false],
    [{ strict: false }, { ATHENTY_FAKE_STRICT: 'true' }, 'strict', false],
    [{}, { ATHENTY_FAKE_LOG_LEVEL: 'silent' }, 'logLevel', 'silent'],
    [{ port: 0 }, {}, 'port', 0],
    [{ port: 65535 }, {}, 'port', 65535],
  ];
  for (const [values, env, field, expected] of GOOD) {
    it(`reads ${JSON.stringify({ ...values, ...env })} as ${field} = ${JSON.stringify(expected)}`, () => {
      assert.equal(parseConfig(values as never, env)[field as 'port'], expected);
    });
  }

  const BAD: [Record<string, unknown>, Record<string, string>, string][] = [
    [{ port: -1 }, {}, '--port: expected an integer from 0 to 65535, got -1'],
    [{ port: 1.5 }, {}, '--port: expected an integer from 0 to 65535, got 1.5'],
    [{ port: Number.NaN }, {}, '--port: expected an integer from 0 to 65535, got null'],
    [{}, { ATHENTY_FAKE_PORT: '' }, 'ATHENTY_FAKE_PORT: expected an integer from 0 to 65535, got ""'],
    [{}, { ATHENTY_FAKE_PORT: '80a' }, 'ATHENTY_FAKE_PORT: expected an integer from 0 to 65535, got "80a"'],
    [{ host: '' }, {}, '--host: expected a non-empty string, got ""'],
    [{ db: ' ' }, {}, '--db: expected a non-empty string, got " "'],
    [{ logLevel: 'loud' }, {}, '--log-level: expected one of debug, info, warn, error, silent, got "loud"'],
    [{ bodyLimit: '0' }, {}, '--body-limit: expected a size such as 1mb, 512kb or 65536, got "0"'],
    [{ bodyLimit: '10tb' }, {}, '--body-limit: expected a size such as 1mb, 512kb or 65536, got "10tb"'],
    [{}, { ATHENTY_FAKE_STRICT: 'sometimes' }, 'ATHENTY_FAKE_STRICT: expected true or false, got "sometimes"'],
    [{}, { ATHENTY_FAKE_CORS: '' }, 'ATHENTY_FAKE_CORS: expected true or false, got ""'],
    [{ clock: 'yesterday' }, {}, `--clock: expected 'system' or an ISO 8601 instant such as 2026-01-01T00:00:00.000Z, got "yesterday"`],
    [
      { clock: '2026-13-01T00:00:00Z' },
      {},
      `--clock: expected 'system' or an ISO 8601 instant such as 2026-01-01T00:00:00.000Z, got "2026-13-01T00:00:00Z"`,
    ],
    [
      { clock: '9999-06-01T00:00:00Z' },
      {},
      '--clock: The clock must stay from 0000-01-01T00:00:00.000Z to 9998-12-31T23:59:59.999Z, got "9999-06-01T00:00:00Z"',
    ],
    [
      {},
      { ATHENTY_FAKE_CLOCK: '0000-01-01T00:00:00+01:00' },
      'ATHENTY_FAKE_CLOCK: The clock must stay from 0000-01-01T00:00:00.000Z to 9998-12-31T23:59:59.999Z, got "0000-01-01T00:00:00+01:00"',
    ],
    [{ journalSize: 0 }, {}, '--journal-size: expected an integer from 1 to 1000000, got 0'],
    [{ magicDelay: '2 days' }, {}, '--magic-delay: expected a duration such as 2s, 500ms or 2000, got "2 days"'],
    [{}, { ATHENTY_FAKE_MAGIC_DELAY: '-1s' }, 'ATHENTY_FAKE_MAGIC_DELAY: expected a duration such as 2s, 500ms or 2000, got "-1s"'],
    [{ rateLimit: -1 }, {}, '--rate-limit: expected an integer from 0 to 1000000000, got -1'],
    [{ rateWindow: 0 }, {}, '--rate-window: expected an integer from 1 to 31536000, got 0'],
    [{ randomSeed: 1.5 }, {}, '--random-seed: expected an integer from 0 to 4294967295, got 1.5'],
    [{ fault: ['POST'] }, {}, '--fault "POST": expected METHOD PATH [key=value ...], e.g. "POST /clients status=429 times=2"'],
    [{ fault: ['POST /clients'] }, {}, '--fault "POST /clients": (rule): A rule needs an effect: status, delayMs or network'],
    [{ fault: ['POST /clients status=700'] }, {}, '--fault "POST /clients status=700": status: Number must be less than or equal to 599'],
    [
      { fault: ['FETCH /clients status=500'] },
      {},
      `--fault "FETCH /clients status=500": method: Invalid enum value. Expected '*' | 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', received 'FETCH'`,
    ],
    [{ fault: ['* clients status=500'] }, {}, '--fault "* clients status=500": path: Invalid'],
    [
      { fault: ['* /x colour=red'] },
      {},
      '--fault "* /x colour=red": unknown option \'colour=red\' (use status=, delay=, times=, probability=, network=, apiKey=, orgId=)',
    ],
    [
      { fault: ['* /x probability=2 status=500'] },
      {},
      '--fault "* /x probability=2 status=500": probability: Number must be less than or equal to 1',
    ],
    [
      {},
      { ATHENTY_FAKE_FAULT: 'GET /clients status=500; GET /x' },
      'ATHENTY_FAKE_FAULT "GET /x": (rule): A rule needs an effect: status, delayMs or network',
    ],
  ];
  for (const [values, env, message] of BAD) {
    it(`rejects ${JSON.stringify({ ...values, ...env })}`, () => {
      assert.throws(() => parseConfig(values as never, env), { name: 'StartupError', message });
    });
  }
  // Every switch takes the same words, in any case, whether they come after its flag or in its
  // variable; the CLI passes the flag's word as it was typed.
  const SWITCH_WORDS: [string, boolean][] = [
    ['true', true],
    ['false', false],
    ['1', true],
    ['0', false],
    ['yes', true],
    ['no', false],
    ['on', true],
    ['off', false],
    ['TRUE', true],
    ['No', false],
    ['oN', true],
    [' off ', false],
  ];
  const SWITCH_OPTIONS = [
    ['strict', 'ATHENTY_FAKE_STRICT'],
    ['durable', 'ATHENTY_FAKE_DURABLE'],
    ['cors', 'ATHENTY_FAKE_CORS'],
  ] as const;
  for (const [name, env] of SWITCH_OPTIONS) {
    it(`reads --${name} and ${env} alike, word for word`, () => {
      for (const [word, expected] of SWITCH_WORDS) {
        assert.equal(parseConfig({ [name]: word })[name], expected, `--${name}=${word}`);
        assert.equal(parseConfig({}, { [env]: word })[name], expected, `${env}=${word}`);
      }
      // The flag alone, --no-flag, and startFake()'s booleans.
      assert.equal(parseConfig({ [name]: true }, { [env]: 'off' })[name], true);
      assert.equal(parseConfig({ [name]: false }, { [env]: 'on' })[name], false);
    });

    for (const word of ['nah', '', '2', 'y', 'enabled', 'constructor']) {
      it(`refuses ${JSON.stringify(word)} for --${name} and for ${env}, naming which`, () => {
        assert.throws(() => parseConfig({ [name]: word }), {
          name: 'StartupError',
          message: `--${name}: expected true or false, got ${JSON.stringify(word)}`,
        });
        assert.throws(() => parseConfig({}, { [env]: word }), {
          name: 'StartupError',
          message: `${env}: expected true or false, got ${JSON.stringify(word)}`,
        });
      });
    }
  }

  it('names a number the same way from a flag and from a variable', () => {
    const message = '--port: expected an integer from 0 to 65535, got 70000';
    assert.throws(() => parseConfig({ port: '70000' }), { name: 'StartupError', message });
    assert.throws(() => parseConfig({}, { ATHENTY_FAKE_PORT: '70000' }), {
      name: 'StartupError',
      message: message.replace('--port', 'ATHENTY_FAKE_PORT'),
    });
  });

  it("refuses an unknown option, and the command line's own options, by name", () => {
    assert.throws(() => parseConfig({ prot: 4010 } as never), { name: 'StartupError', message: 'unknown option "prot"' });
    assert.throws(() => parseConfig({ toString: 'x' } as never), { name: 'StartupError', message: 'unknown option "toString"' });
    assert.throws(() => parseConfig({ readyFile: '/tmp/ready.json' } as never), {
      name: 'StartupError',
      message: 'option "readyFile" is for the command line only (--ready-file)',
    });
  });

  it('refuses an unknown startFake() option, at compile time and at run time', () => {
    // @ts-expect-error -- FakeOptions is derived from OPTIONS, so a misspelt option is a type error.
    assert.throws(() => startFake({ prot: 4010 }), { name: 'StartupError', message: 'unknown option "prot"' });
    // @ts-expect-error -- the CLI's own options are not the server's.
    assert.throws(() => startFake({ readyFile: '/tmp/ready.json' }), { name: 'StartupError' });
  });

  it("reads the command line's own options besides the server's", () => {
    const config = parseCliConfig({ port: '0', readyFile: '/tmp/flag.json' }, { ATHENTY_FAKE_READY_FILE: '/tmp/env.json' });
    assert.deepEqual([config.port, config.readyFile], [0, '/tmp/flag.json']);
    assert.equal(parseCliConfig({}, { ATHENTY_FAKE_READY_FILE: '/tmp/env.json' }).readyFile, '/tmp/env.json');
    assert.equal(parseCliConfig({}, {}).readyFile, undefined);
    const { readyFile, ...server } = parseCliConfig({}, {});
    assert.equal(readyFile, undefined);
    assert.deepEqual(server, parseConfig({}));
    assert.throws(() => parseCliConfig({}, { ATHENTY_FAKE_READY_FILE: ' ' }), {
      name: 'StartupError',
      message: 'ATHENTY_FAKE_READY_FILE: expected a non-empty string, got " "',
    });
  });
});
