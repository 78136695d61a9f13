// The keys and seed fixtures: checked at start-up, a bad file stops the fake with one clear line.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startFake } from '../src/index.js';
import { withFake } from './support/fake.js';
import { KEYS } from './support/fixture-keys.js';
import { tempDir } from './support/temp-dir.js';

function file(content: string): string {
  const path = join(tempDir(), 'fixture.json');
  writeFileSync(path, content);
  return path;
}

const key = (k: string, orgId = 'org_x', label = k) => ({ key: k, orgId, label });

describe('keys fixture', () => {
  it('ships at least two organisations and one revoked key', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    const keys = Object.values(fake.apiKeys);
    assert.ok(new Set(keys.map((k) => k.orgId)).size >= 2);
    assert.ok(keys.some((k) => k.revoked));
    assert.equal(fake.apiKeys.acme?.key, KEYS.acme);
  });

  it('--keys replaces the seeded keys', async (t) => {
    const keys = file(JSON.stringify({ keys: [key('my-own-key-123', 'org_mine', 'mine')] }));
    const fake = await withFake(t, { keys, seed: 'none' });
    assert.equal((await fake.call('GET', '/clients', { key: 'my-own-key-123' })).status, 200);
    assert.equal((await fake.call('GET', '/clients', { key: KEYS.acme })).status, 401);
    assert.deepEqual(Object.keys(fake.apiKeys), ['mine']);
  });

  const BAD: [string, string, RegExp][] = [
    ['not JSON', '{"keys": [', /^keys file .*fixture\.json is not valid JSON \(/],
    ['without keys', '{}', /^keys file .*fixture\.json: keys: Required$/],
    ['with an empty list', '{"keys": []}', /: keys: Array must contain at least 1 element\(s\)$/],
    ['missing an orgId', JSON.stringify({ keys: [{ key: 'abcdefgh12', label: 'a' }] }), /: keys\.0\.orgId: Required$/],
    ['with a short key', JSON.stringify({ keys: [key('abc')] }), /: keys\.0\.key: String must contain at least 8 character\(s\)$/],
    [
      'with revoked not a boolean',
      JSON.stringify({ keys: [{ ...key('abcdefgh12'), revoked: 'yes' }] }),
      /: keys\.0\.revoked: Expected boolean, received string$/,
    ],
    [
      'with an unknown field',
      JSON.stringify({ keys: [{ ...key('abcdefgh12'), owner: 'me' }] }),
      /: keys\.0: Unrecognized key\(s\) in object: 'owner'$/,
    ],
    [
      'listing a key twice',
      JSON.stringify({ keys: [key('abcdefgh12', 'o', 'one'), key('abcdefgh12', 'o', 'two')] }),
      /: the same key is listed twice \(labels one, two\)$/,
    ],
    [
      'using a label twice',
      JSON.stringify({ keys: [key('abcdefgh12', 'o', 'same'), key('abcdefgh34', 'o', 'same')] }),
      /: the label 'same' is used twice$/,
    ],
  ];
  for (const [name, content, message] of BAD) {
    it(`refuses a keys file ${name}`, async () => {
      await assert.rejects(startFake({ keys: file(content), logLevel: 'silent' }), (error: Error) => {
        assert.equal(error.name, 'StartupError');
        assert.match(error.message, message);
        assert.ok(!error.message.includes('\n'));
        return true;
      });
    });
  }

  it('refuses a missing keys file, naming it', async () => {
    await assert.rejects(
      startFake({ keys: '/nonexistent/keys.json' }),
      /^StartupError: keys file \/nonexistent\/keys\.json does not exist$/,
    );
  });
});

describe('seed fixture', () => {
  const BAD: [string, string, RegExp][] = [
    ['not JSON', 'nope', /seed file .* is not valid JSON/],
    ['without an orgId', JSON.stringify({ clients: [{ nameFirst: 'x' }] }), /: clients\.0\.orgId: Required$/],
    ['with a bad email', JSON.stringify({ clients: [{ orgId: 'o', email: 'bad' }] }), /: clients\.0\.email: Invalid email$/],
    ['with a bad id', JSON.stringify({ clients: [{ orgId: 'o', id: 'clt_nope' }] }), /: clients\.0\.id: Invalid$/],
    [
      'with a bad timestamp',
      JSON.stringify({ clients: [{ orgId: 'o', createdAt: 'yesterday' }] }),
      /: clients\.0\.createdAt: Invalid datetime$/,
    ],
    [
      'with an id twice',
      JSON.stringify({
        clients: [
          { orgId: 'o', id: 'clt_01ke6qvwe0mc8vacm19w6xg3jk' },
          { orgId: 'p', id: 'clt_01ke6qvwe0mc8vacm19w6xg3jk' },
        ],
      }),
      /: the id clt_01ke6qvwe0mc8vacm19w6xg3jk is used twice$/,
    ],
  ];
  for (const [name, content, message] of BAD) {
    it(`refuses a seed file ${name}`, async () => {
      await assert.rejects(startFake({ seed: file(content), logLevel: 'silent' }), message);
    });
  }
});
