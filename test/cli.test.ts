// The built binary: start-up line, keys banner, --help, --version, options from flags and
// environment, one-line errors with exit code 1, and a clean stop on SIGTERM and SIGINT.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { OPTIONS } from '../src/config.js';
import { runCli, startCli } from './support/cli.js';
import { ENVELOPES } from './support/envelopes.js';
import { KEYS } from './support/fixture-keys.js';
import { call } from './support/http.js';
import { tempDir } from './support/temp-dir.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

describe('athenty-fake CLI', () => {
  it('decodes a UTF-16 body and answers 415 to other charsets (the bundle leaves out the double-byte tables)', async (t) => {
    const cli = await startCli(['--port', '0', '--db', 'memory', '--log-level', 'warn']);
    t.after(() => cli.stop());
    const post = (text: string, encoding: BufferEncoding, charset: string) =>
      fetch(`${cli.url}/clients`, {
        method: 'POST',
        headers: { 'X-Api-Key': KEYS.acme, 'Content-Type': `application/json; charset=${charset}` },
        body: Buffer.from(text, encoding),
      });
    const utf16 = await post('{"nameFirst":"J\u00e4ne"}', 'utf16le', 'utf-16le');
    assert.equal(utf16.status, 201);
    assert.equal(((await utf16.json()) as { nameFirst: string }).nameFirst, 'J\u00e4ne');
    for (const charset of ['gbk', 'shift_jis', 'big5', 'euc-kr', 'latin1']) {
      const refused = await post('{"nameFirst":"Jane"}', 'utf8', charset);
      assert.deepEqual([refused.status, await refused.json()], [415, ENVELOPES.UNSUPPORTED_MEDIA_TYPE], charset);
    }
    assert.equal(await cli.stop(), 0);
  });

  it('prints exactly one ready line on stdout and the keys on stderr, serves, and stops with 0 on SIGTERM', async () => {
    const dir = tempDir();
    const cli = await startCli(['--port', '0'], {}, dir);
    assert.match(cli.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const created = await call(cli.url, 'POST', '/v2/api/clients', { key: KEYS.acme, body: { nameFirst: 'Cli' } });
    assert.equal(created.status, 201);
    assert.equal((await call(cli.url, 'GET', `/clients/${created.body.id}`, { key: KEYS.acme })).status, 200);
    assert.equal(await cli.stop('SIGTERM'), 0);
    assert.equal(cli.stdout(), `athenty-fake listening on ${cli.url}\n`);
    assert.match(cli.stderr(), new RegExp(`acme +${KEYS.acme} +org_acme`));
    assert.match(cli.stderr(), /revoked .* \(revoked: answers 401\)/);
    assert.match(cli.stderr(), /^Inspector: http:\/\/127\.0\.0\.1:\d+\/__admin\/ui\/$/m);
    // The default store is ./.athenty-fake/db.json, written on the way out.
    const stored = JSON.parse(readFileSync(join(dir, '.athenty-fake', 'db.json'), 'utf8'));
    assert.ok(stored.clients.some((c: { id: string }) => c.id === created.body.id));
  });

  it('stops with 0, its store written, when signalled the moment it prints its ready line', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const db = join(tempDir(), 'db.json');
      const cli = await startCli(['--port', '0', '--db', db, '--log-level', 'silent']);
      assert.equal(await cli.stop(signal), 0, signal);
      assert.ok(JSON.parse(readFileSync(db, 'utf8')).clients.length > 0, signal);
    }
  });

  it('logs one line per request at info, with the organisation and never the key', async () => {
    const cli = await startCli(['--port', '0', '--db', 'memory']);
    await call(cli.url, 'GET', '/clients?limit=1', { key: KEYS.acme });
    await call(cli.url, 'GET', '/clients', { key: 'wrong-key-123' });
    assert.equal(await cli.stop('SIGINT'), 0);
    assert.match(cli.stderr(), /^GET \/clients\?limit=1 200 \d+\.\dms org_acme$/m);
    assert.match(cli.stderr(), /^GET \/clients 401 \d+\.\dms$/m);
    const requestLines = cli
      .stderr()
      .split('\n')
      .filter((l) => l.startsWith('GET '));
    assert.ok(requestLines.every((l) => !l.includes(KEYS.acme) && !l.includes('wrong-key-123')));
  });

  it('prints only the ready line at --log-level silent', async () => {
    const cli = await startCli(['--port', '0', '--db', 'memory', '--log-level', 'silent']);
    await call(cli.url, 'GET', '/clients', { key: KEYS.acme });
    assert.equal(await cli.stop(), 0);
    assert.equal(cli.stdout(), `athenty-fake listening on ${cli.url}\n`);
    assert.equal(cli.stderr(), '');
  });

  it('logs no request lines at --log-level warn', async () => {
    const cli = await startCli(['--port', '0', '--db', 'memory', '--log-level', 'warn']);
    await call(cli.url, 'GET', '/clients', { key: KEYS.acme });
    await cli.stop();
    assert.doesNotMatch(cli.stderr(), /^GET /m);
  });

  it('reads options from the environment, and a flag wins over its variable', async () => {
    const keys = join(tempDir(), 'keys.json');
    writeFileSync(keys, JSON.stringify({ keys: [{ key: 'env-key-123456', orgId: 'org_env', label: 'env' }] }));
    const cli = await startCli(['--db', 'memory'], {
      ATHENTY_FAKE_PORT: '0',
      ATHENTY_FAKE_KEYS: keys,
      ATHENTY_FAKE_DB: '/nonexistent/never-used.json',
    });
    try {
      assert.equal((await call(cli.url, 'GET', '/clients', { key: 'env-key-123456' })).status, 200);
      assert.equal((await call(cli.url, 'GET', '/clients', { key: KEYS.acme })).status, 401);
    } finally {
      await cli.stop();
    }
  });

  it('takes repeated --fault rules and prints the magic keys with their purpose', async () => {
    const faults = ['--fault', 'POST /clients status=503 times=1', '--fault', 'GET /clients/* status=404'];
    const cli = await startCli(['--port', '0', '--db', 'memory', ...faults]);
    try {
      assert.deepEqual(
        (await call(cli.url, 'GET', '/__admin/faults')).body.faults.map((f: { id: string }) => f.id),
        ['flt_1', 'flt_2'],
      );
      assert.equal((await call(cli.url, 'POST', '/clients', { key: KEYS.acme, body: {} })).status, 503);
      assert.equal((await call(cli.url, 'POST', '/clients', { key: KEYS.acme, body: {} })).status, 201);
      assert.equal((await call(cli.url, 'GET', '/clients/anything', { key: KEYS.acme })).status, 404);
    } finally {
      await cli.stop();
    }
    assert.match(cli.stderr(), /rate-limited +ath_test_ratelimited_\w+ +org_acme +\(magic: always 429\)/);
    assert.match(cli.stderr(), /inactive +ath_test_inactive_\w+ +org_acme +\(magic: always 402, subscription inactive\)/);
    assert.match(cli.stderr(), /no-api-plan +ath_test_noapiplan_\w+ +org_acme +\(magic: always 403, plan without API access\)/);
  });

  it('takes every flag form yargs takes: --flag=value, --no-flag, camel case', async () => {
    const cli = await startCli(['--port=0', '--db', 'memory', '--no-cors', '--logLevel', 'warn', '--rate-limit=0']);
    try {
      const res = await call(cli.url, 'GET', '/clients', { key: KEYS.acme, headers: { Origin: 'http://x' } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('access-control-allow-origin'), null);
      assert.equal(res.headers.get('x-ratelimit-limit'), null);
    } finally {
      await cli.stop();
    }
    assert.doesNotMatch(cli.stderr(), /^GET /m);
  });

  it('takes the last of a flag given twice', async () => {
    const cli = await startCli(['--port', '1', '--port', '0', '--db', 'memory']);
    assert.notEqual(new URL(cli.url).port, '1');
    await cli.stop();
  });

  // Every switch word, as a flag and as a variable. --cors shows in the answer's headers and --strict
  // in the answer to an unknown body key; --durable goes through the same path (test/config.test.ts
  // has every word for every switch).
  const SWITCHES: [string, string[], Record<string, string>, { cors: boolean; strict: boolean }][] = [
    ['alone', ['--cors', '--strict'], { ATHENTY_FAKE_CORS: 'off', ATHENTY_FAKE_STRICT: 'off' }, { cors: true, strict: true }],
    ['negated', ['--no-cors', '--no-strict'], { ATHENTY_FAKE_CORS: 'on', ATHENTY_FAKE_STRICT: 'on' }, { cors: false, strict: false }],
    ['true/false as --flag=WORD', ['--cors=false', '--strict=true'], {}, { cors: false, strict: true }],
    ['0/1 as --flag=WORD', ['--cors=0', '--strict=1'], {}, { cors: false, strict: true }],
    ['no/yes in any case as --flag=WORD', ['--cors=No', '--strict=YES'], {}, { cors: false, strict: true }],
    ['off/on after the flag', ['--cors', 'off', '--strict', 'on'], {}, { cors: false, strict: true }],
    ['true/false in the variables', [], { ATHENTY_FAKE_CORS: 'FALSE', ATHENTY_FAKE_STRICT: 'true' }, { cors: false, strict: true }],
    ['0/1 in the variables', [], { ATHENTY_FAKE_CORS: '0', ATHENTY_FAKE_STRICT: '1' }, { cors: false, strict: true }],
    ['no/yes in the variables', [], { ATHENTY_FAKE_CORS: 'no', ATHENTY_FAKE_STRICT: 'Yes' }, { cors: false, strict: true }],
    ['off/on in the variables', [], { ATHENTY_FAKE_CORS: 'Off', ATHENTY_FAKE_STRICT: 'ON' }, { cors: false, strict: true }],
    [
      'a flag word over its variable',
      ['--cors=yes', '--strict=off'],
      { ATHENTY_FAKE_CORS: 'off', ATHENTY_FAKE_STRICT: 'on' },
      { cors: true, strict: false },
    ],
  ];
  describe('reads a switch the same way as a flag and as a variable', { concurrency: true }, () => {
    for (const [name, args, env, expected] of SWITCHES) {
      it(`${name}: ${[...args, ...Object.entries(env).map(([k, v]) => `${k}=${v}`)].join(' ')}`, async () => {
        const cli = await startCli(['--port', '0', '--db', 'memory', '--log-level', 'warn', ...args], env);
        try {
          const list = await call(cli.url, 'GET', '/clients', { key: KEYS.acme, headers: { Origin: 'http://x' } });
          const created = await call(cli.url, 'POST', '/clients', { key: KEYS.acme, body: { nameFirst: 'Switch', colour: 'red' } });
          assert.deepEqual({ cors: list.headers.get('access-control-allow-origin') === '*', strict: created.status === 422 }, expected);
          assert.equal(created.status, expected.strict ? 422 : 201);
        } finally {
          await cli.stop();
        }
      });
    }
  });

  it('--ready-file: once listening, writes the URL and the admin token for this user only, and removes it on stop', async () => {
    const file = join(tempDir(), 'ready.json');
    const cli = await startCli(['--port', '0', '--db', 'memory', '--ready-file', file], { ATHENTY_FAKE_ADMIN_TOKEN: 'ready-file-token' });
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { url: cli.url, adminToken: 'ready-file-token' });
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(await cli.stop(), 0);
    assert.equal(existsSync(file), false);
  });

  it('ATHENTY_FAKE_READY_FILE: without an admin token the file holds the URL only', async () => {
    const file = join(tempDir(), 'ready.json');
    const cli = await startCli(['--port', '0', '--db', 'memory'], { ATHENTY_FAKE_READY_FILE: file });
    try {
      assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { url: cli.url });
    } finally {
      await cli.stop();
    }
  });

  it('--help shows usage, every option with its variable, and examples', async () => {
    const { code, stdout } = await runCli(['--help']);
    assert.equal(code, 0);
    assert.match(stdout, /^Usage: athenty-fake \[options\]/);
    for (const text of [
      'Options:',
      'Examples:',
      '--port',
      'ATHENTY_FAKE_PORT',
      '--db',
      '--keys',
      '--seed',
      '--strict',
      '--log-level',
      '--body-limit',
      '--rate-limit',
      '--rate-window',
      '--fault',
      '--faults',
      '--random-seed',
      '--durable',
      '--cors',
      '--admin-token',
      '--ready-file',
      '--version',
      'yes/no',
    ]) {
      assert.ok(stdout.includes(text), text);
    }
  });

  it('--help wraps lines between words, never inside one', async () => {
    const { stdout } = await runCli(['--help']);
    const flowing = stdout.replace(/\s+/g, ' ');
    for (const spec of Object.values(OPTIONS)) assert.ok(flowing.includes(spec.description), spec.description);
  });

  it('--version prints the package version', async () => {
    const { code, stdout } = await runCli(['--version']);
    assert.equal(code, 0);
    assert.equal(stdout.trim(), version);
  });

  const ERRORS: [string, string[], Record<string, string>, RegExp][] = [
    ['an unknown flag', ['--colour', 'red'], {}, /^athenty-fake: Unknown arguments?: colour.*\(see --help\)\n$/],
    ['a flag without its value', ['--port'], {}, /^athenty-fake: Not enough arguments following: port \(see --help\)\n$/],
    ['a bad port', ['--port', '70000'], {}, /^athenty-fake: --port: expected an integer from 0 to 65535, got 70000\n$/],
    [
      'a bad port in the environment',
      [],
      { ATHENTY_FAKE_PORT: 'eighty' },
      /^athenty-fake: ATHENTY_FAKE_PORT: expected an integer from 0 to 65535, got "eighty"\n$/,
    ],
    ['a bad number', ['--rate-limit', '5abc'], {}, /^athenty-fake: --rate-limit: expected an integer from 0 to 1000000000, got "5abc"\n$/],
    [
      'a bad log level',
      ['--log-level', 'loud'],
      {},
      /^athenty-fake: Invalid values: Argument: log-level, Given: "loud", Choices: "debug", "info", "warn", "error", "silent" \(see --help\)\n$/,
    ],
    [
      'a bad body limit',
      ['--body-limit', 'lots'],
      {},
      /^athenty-fake: --body-limit: expected a size such as 1mb, 512kb or 65536, got "lots"\n$/,
    ],
    [
      'a bad boolean in the environment',
      ['--port', '0'],
      { ATHENTY_FAKE_STRICT: 'maybe' },
      /^athenty-fake: ATHENTY_FAKE_STRICT: expected true or false, got "maybe"\n$/,
    ],
    ['a bad switch word as --flag=WORD', ['--cors=nah'], {}, /^athenty-fake: --cors: expected true or false, got "nah"\n$/],
    ['a bad switch word after the flag', ['--durable', 'maybe'], {}, /^athenty-fake: --durable: expected true or false, got "maybe"\n$/],
    ['an empty switch word', ['--strict='], {}, /^athenty-fake: --strict: expected true or false, got ""\n$/],
    [
      'a bad switch word in the environment',
      [],
      { ATHENTY_FAKE_CORS: 'nah' },
      /^athenty-fake: ATHENTY_FAKE_CORS: expected true or false, got "nah"\n$/,
    ],
    [
      'a ready file that cannot be written',
      ['--port', '0', '--db', 'memory', '--ready-file', '/nonexistent/ready.json'],
      {},
      /^athenty-fake: ready file \/nonexistent\/ready\.json: could not write it \(ENOENT\)\n$/,
    ],
    ['a missing keys file', ['--keys', '/nonexistent/k.json'], {}, /^athenty-fake: keys file \/nonexistent\/k\.json does not exist\n$/],
  ];
  for (const [name, args, env, message] of ERRORS) {
    it(`exits 1 with one line for ${name}`, async () => {
      const { code, stdout, stderr } = await runCli(args, env);
      assert.equal(code, 1);
      assert.equal(stdout, '');
      assert.match(stderr, message);
    });
  }

  it('exits 1 with one line when the port is taken', async () => {
    const first = await startCli(['--port', '0', '--db', 'memory']);
    try {
      const port = new URL(first.url).port;
      const { code, stderr } = await runCli(['--port', port, '--db', 'memory']);
      assert.equal(code, 1);
      assert.equal(stderr, `athenty-fake: --port: 127.0.0.1:${port} is already in use\n`);
    } finally {
      await first.stop();
    }
  });

  it('exits 1 with one line for a start-up fault rule with a header Node cannot send', async () => {
    const faults = join(tempDir(), 'faults.json');
    writeFileSync(faults, JSON.stringify([{ status: 503, headers: { 'X-Price': '5 €' } }]));
    const { code, stdout, stderr } = await runCli(['--port', '0', '--db', 'memory', '--faults', faults]);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.equal(
      stderr,
      `athenty-fake: faults file ${faults}: 0.headers.X-Price: Invalid header value: characters beyond Latin-1, NUL, CR and LF cannot be sent\n`,
    );
  });

  it('exits 1 on a corrupt store file and leaves it byte-identical', async () => {
    const db = join(tempDir(), 'db.json');
    writeFileSync(db, '{"clients": [tru');
    const { code, stderr } = await runCli(['--port', '0', '--db', db]);
    assert.equal(code, 1);
    assert.match(stderr, /^athenty-fake: store file .*db\.json is not valid JSON \(.*\); it was left untouched\n$/);
    assert.equal(readFileSync(db, 'utf8'), '{"clients": [tru');
  });
});
