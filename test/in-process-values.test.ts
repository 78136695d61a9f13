// What crosses the in-process boundary: values handed to the handle of startFake() or given as a seed
// enter the store only as JSON would carry them (refused otherwise, whatever the door), and what the
// handle answers is a copy, never a stored object.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startFake } from '../src/index.js';
import { runCli } from './support/cli.js';
import { withFake } from './support/fake.js';
import { KEYS, SEEDED_IDS } from './support/fixture-keys.js';
import { tempDir } from './support/temp-dir.js';

/** `{ n: { n: { ... } } }`, `levels` objects deep. */
function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 1; i < levels; i++) value = { n: value };
  return value;
}

/** A value with a cycle: its `self` is itself. */
function cyclic(): Record<string, unknown> {
  const value: Record<string, unknown> = { a: 1 };
  value.self = value;
  return value;
}

describe('values JSON cannot hold', () => {
  const NOT_JSON: [string, () => unknown, RegExp | string][] = [
    [
      'a cycle',
      () => ({ clients: [{ orgId: 'org_acme', metadata: cyclic() }] }),
      'clients.0.metadata.self is circular (it contains itself)',
    ],
    ['a bigint', () => ({ clients: [{ orgId: 'org_acme', metadata: { big: 10n } }] }), 'clients.0.metadata.big is a bigint'],
    ['a function', () => ({ clients: [{ orgId: 'org_acme', nameFirst: () => 'x' }] }), 'clients.0.nameFirst is a function'],
    ['NaN', () => ({ clients: [{ orgId: 'org_acme', metadata: { n: Number.NaN } }] }), 'clients.0.metadata.n is NaN'],
    ['a Map', () => ({ clients: [{ orgId: 'org_acme', metadata: new Map() }] }), 'clients.0.metadata is a Map'],
    ['an undefined item', () => ({ clients: [undefined] }), 'clients.0 is undefined'],
  ];
  for (const [name, data, problem] of NOT_JSON) {
    it(`in-process state.import refuses ${name} with a 400 naming it, and changes nothing`, async (t) => {
      const fake = await withFake(t, { db: join(tempDir(), 'db.json') });
      const before = await fake.state.export();
      await assert.rejects(fake.state.import(data() as never), {
        name: 'ApiError',
        status: 400,
        message: `Request body is not JSON: ${problem}.`,
      });
      assert.deepEqual(await fake.state.export(), before);
      await fake.close();
    });
  }

  it('in-process state.import refuses 100,000 levels of nesting as a body that deep is refused (400), and closes cleanly', async (t) => {
    const fake = await withFake(t, { db: join(tempDir(), 'db.json') });
    const before = await fake.state.export();
    await assert.rejects(fake.state.import({ clients: [{ orgId: 'org_acme', metadata: nested(100_000) }] }), {
      name: 'ApiError',
      status: 400,
      message: 'Request body is nested too deeply.',
    });
    assert.deepEqual(await fake.state.export(), before);
    assert.equal((await fake.call('GET', '/clients', { key: KEYS.acme })).status, 200);
    await fake.close();
  });

  it("a resource's admin operation in-process refuses them too", async (t) => {
    const fake = await withFake(t);
    const created = await fake.call('POST', '/requests', { key: KEYS.acme, body: { type: 'idv', requirements: ['document'] } });
    await assert.rejects(fake.requests.moveTo(created.body.id, 10n as never), {
      status: 400,
      message: 'Request body is not JSON: status is a bigint.',
    });
  });

  it('an undefined property is absent, as in JSON, and a Date counts as its ISO text', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    const createdAt = new Date('2026-01-02T03:04:05.006Z');
    await fake.state.import({ clients: [{ orgId: 'org_acme', nameFirst: undefined, createdAt } as never] });
    const [client] = (await fake.state.export()).clients;
    assert.equal(client?.nameFirst, null);
    assert.equal(client?.createdAt, '2026-01-02T03:04:05.006Z');
  });

  it('a seed given in-process is checked like a seed file (naming the field), and copied', async (t) => {
    await assert.rejects(startFake({ logLevel: 'silent' }, { seed: { clients: [{ orgId: 'org_acme', metadata: cyclic() }] } as never }), {
      name: 'StartupError',
      message: 'seed: clients.0.metadata.self is circular (it contains itself)',
    });
    await assert.rejects(
      startFake({ logLevel: 'silent' }, { seed: { clients: [{ orgId: 'org_acme', metadata: nested(100_000) }] } as never }),
      {
        name: 'StartupError',
        message: 'seed: clients.0: Nested deeper than 100 levels',
      },
    );
    const seed = { clients: [{ orgId: 'org_acme', id: SEEDED_IDS[0], createdAt: '2026-01-01T00:00:00.000Z', metadata: { tier: 'gold' } }] };
    const fake = await withFake(t, {}, { seed: seed as never });
    seed.clients[0]!.metadata.tier = 'changed by the caller';
    await fake.reset();
    const res = await fake.call('GET', `/clients/${SEEDED_IDS[0]}`, { key: KEYS.acme });
    assert.deepEqual(res.body.metadata, { tier: 'gold' });
  });

  it('a seed file 100,000 levels deep fails start-up with one line naming the file and the entry', async () => {
    const seedFile = join(tempDir(), 'deep-seed.json');
    writeFileSync(seedFile, `{"clients":[{"orgId":"org_acme","metadata":${'{"n":'.repeat(100_000)}1${'}'.repeat(100_000)}}]}`);
    const { code, stdout, stderr } = await runCli(['--port', '0', '--db', 'memory', '--seed', seedFile]);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.equal(stderr, `athenty-fake: seed file ${seedFile}: clients.0: Nested deeper than 100 levels\n`);
  });

  it('a store file 100,000 levels deep fails start-up naming the file and the record, and is left untouched', async () => {
    const db = join(tempDir(), 'db.json');
    const content = `{"clients":[{"id":"clt_x","orgId":"org_acme","metadata":${'['.repeat(100_000)}${']'.repeat(100_000)}}]}`;
    writeFileSync(db, content);
    const { code, stderr } = await runCli(['--port', '0', '--db', db]);
    assert.equal(code, 1);
    assert.equal(
      stderr,
      `athenty-fake: store file ${db} does not have the expected shape (clients.0: Nested deeper than 100 levels); it was left untouched\n`,
    );
    assert.equal(readFileSync(db, 'utf8'), content);
  });
});

describe('what the in-process handle hands out', () => {
  it('state.export() answers copies: changing them changes no later answer, export or file', async (t) => {
    const db = join(tempDir(), 'db.json');
    const fake = await withFake(t, { db });
    const created = await fake.create({ nameFirst: 'Original', metadata: { tier: 'gold' } });
    const exported = await fake.state.export();
    const mine = exported.clients.find((c) => c.id === created.body.id) as { nameFirst: string | null; metadata: Record<string, unknown> };
    mine.nameFirst = 'Changed';
    mine.metadata.tier = 'changed';
    exported.clients.length = 0;
    const read = await fake.call('GET', `/clients/${created.body.id}`, { key: KEYS.acme });
    assert.deepEqual(read.body, created.body);
    assert.equal((await fake.state.export()).clients.length, 3);
    await fake.close();
    assert.deepEqual(
      JSON.parse(readFileSync(db, 'utf8')).clients.find((c: { id: string }) => c.id === created.body.id),
      created.body,
    );
  });

  it('journal entries are copies: changing their bodies changes no later answer', async (t) => {
    const fake = await withFake(t);
    const created = await fake.create({ nameFirst: 'Journaled', metadata: { n: 1 } });
    const [entry] = await fake.journal.list({ method: 'POST' });
    assert.ok(entry !== undefined);
    (entry.responseBody as { nameFirst: string }).nameFirst = 'Changed';
    (entry.requestBody as { metadata: { n: number } }).metadata.n = 2;
    const read = await fake.call('GET', `/clients/${created.body.id}`, { key: KEYS.acme });
    assert.deepEqual(read.body, created.body);
    const [again] = await fake.journal.list({ method: 'POST' });
    assert.deepEqual(again?.responseBody, created.body);
    assert.deepEqual(again?.requestBody, { nameFirst: 'Journaled', metadata: { n: 1 } });
  });
});
