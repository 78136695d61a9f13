// A fault rule that could never fire (a key, an organisation or a path no API request has) is
// refused, at run time with a 422 and at start-up with one line; so is a --fault spec that gives
// one field twice.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from './support/cli.js';
import { validationError } from './support/envelopes.js';
import { withFake } from './support/fake.js';
import { KEYS } from './support/fixture-keys.js';

const NO_PATH = 'It matches no API path (/clients, /requests, /verifications, also under /v2/api); the rule could never fire';

describe('fault rules that could never fire', () => {
  // [rule, the error]
  const REFUSED: [Record<string, unknown>, string, string][] = [
    [{ apiKey: 'ath_test_nobody', status: 500 }, 'apiKey', 'No API key has this key or label; the rule could never fire'],
    [{ orgId: 'org_nobody', status: 500 }, 'orgId', 'No API key is of this organisation; the rule could never fire'],
    [{ apiKey: 'globex', orgId: 'org_acme', status: 500 }, 'orgId', 'The apiKey is not of this organisation; the rule could never fire'],
    [{ path: '/__admin/health', status: 500 }, 'path', NO_PATH],
    [{ path: '/__ADMIN*', status: 500 }, 'path', NO_PATH],
    [{ path: '/openapi.json', status: 500 }, 'path', NO_PATH],
    [{ path: '/v2/api/openapi.json', status: 500 }, 'path', NO_PATH],
    [{ path: '/clientz', status: 500 }, 'path', NO_PATH],
  ];
  for (const [rule, field, message] of REFUSED) {
    it(`POST /__admin/faults ${JSON.stringify(rule)} answers 422 and adds nothing`, async (t) => {
      const fake = await withFake(t, { seed: 'none' });
      const res = await fake.call('POST', '/__admin/faults', { body: rule });
      assert.equal(res.status, 422);
      assert.deepEqual(res.body, validationError([{ field, message }]));
      assert.deepEqual(await fake.faults.list(), []);
    });
  }

  it('takes rules that can fire: a label, a key, an organisation, wildcards, either base', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    for (const rule of [
      { apiKey: 'acme', orgId: 'org_acme' },
      { apiKey: KEYS.globex },
      { orgId: 'org_globex' },
      { path: '*' },
      { path: '/cli*' },
      { path: '/v2/api/clients/*' },
      { path: '/v2/api*' },
      { path: '/verifications' },
    ]) {
      assert.equal((await fake.call('POST', '/__admin/faults', { body: { ...rule, status: 503 } })).status, 201, JSON.stringify(rule));
    }
  });

  it('stops the CLI with one line naming the rule', async () => {
    const { code, stdout, stderr } = await runCli(['--port', '0', '--db', 'memory', '--fault', 'GET /__admin/health status=500']);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.equal(stderr, `athenty-fake: fault rule {"method":"GET","path":"/__admin/health","status":500}: path: ${NO_PATH}\n`);
  });

  it('stops the CLI when a --fault spec gives an effect twice', async () => {
    const { code, stderr } = await runCli(['--port', '0', '--db', 'memory', '--fault', 'POST /clients status=429 status=503']);
    assert.equal(code, 1);
    assert.equal(
      stderr,
      `athenty-fake: --fault "POST /clients status=429 status=503": 'status=503' and 'status=429' both give status; a rule has one\n`,
    );
  });
});
