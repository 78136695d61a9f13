// The file store: survives restarts, is written atomically, and is never overwritten when unreadable.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startFake } from '../src/index.js';
import { storeUnavailable } from './support/envelopes.js';
import { withFake } from './support/fake.js';
import { KEYS, SEEDED_IDS } from './support/fixture-keys.js';
import { call } from './support/http.js';
import { tempDir } from './support/temp-dir.js';

describe('file store', () => {
  it('keeps clients across a restart, with the same bodies at both base paths', async (t) => {
    const db = join(tempDir(), 'nested', 'db.json');
    const first = await withFake(t, { db });
    const created = await first.create({ nameFirst: 'Persisted', metadata: { n: 1 } });
    assert.equal(created.status, 201);
    await first.close();

    const second = await withFake(t, { db });
    for (const base of ['/clients', '/v2/api/clients']) {
      const res = await second.call('GET', `${base}/${created.body.id}`, { key: KEYS.acme });
      assert.deepEqual(res.body, created.body);
    }
    const list = await second.call('GET', '/clients', { key: KEYS.acme });
    assert.equal(list.body.pagination.total, 3);
    assert.deepEqual(list.body.data[0], created.body);
  });

  it('writes a file that is plain JSON, one record a line, and leaves no temporary file', async (t) => {
    const db = join(tempDir(), 'db.json');
    const fake = await withFake(t, { db, seed: 'none' });
    const a = await fake.create({ nameFirst: 'A' });
    const b = await fake.create({ nameFirst: 'B' });
    await fake.close();
    const text = readFileSync(db, 'utf8');
    const { webhookEvents, ...rest } = JSON.parse(text);
    assert.deepEqual(rest, { clients: [a.body, b.body], requests: [], webhooks: [], webhookDeliveries: [] });
    assert.deepEqual(
      webhookEvents.map((e: { data: unknown }) => e.data),
      [a.body, b.body],
    );
    // The opening line, one per client, the requests' and webhooks' (empty) lists, the events' header
    // and one line per event, the deliveries' (empty) list, the closing line and the final newline.
    assert.equal(text.split('\n').length, 11);
    assert.equal(existsSync(join(db, '..', '.db.json.tmp')), false);
  });

  it('--durable: every acknowledged create is in the file before its 201 arrives', async (t) => {
    const db = join(tempDir(), 'db.json');
    const fake = await withFake(t, { db, seed: 'none', durable: true });
    const created = await Promise.all([1, 2, 3, 4, 5].map((n) => fake.create({ nameFirst: `d${n}` })));
    const last = await fake.create({ nameFirst: 'last' });
    const onDisk = JSON.parse(readFileSync(db, 'utf8')).clients.map((c: { id: string }) => c.id);
    for (const res of [...created, last]) assert.ok(onDisk.includes(res.body.id), res.body.id);
  });

  it('without --durable, a graceful stop writes every change (write-behind loses nothing)', async (t) => {
    const db = join(tempDir(), 'db.json');
    const fake = await withFake(t, { db, seed: 'none' });
    const created = await Promise.all(Array.from({ length: 50 }, (_, n) => fake.create({ nameFirst: `w${n}` })));
    const inMemory = await fake.state.export();
    await fake.close();
    assert.deepEqual(JSON.parse(readFileSync(db, 'utf8')), inMemory);
    assert.equal(inMemory.clients.length, created.length);
  });

  it('reads its own layout and a file laid out by hand alike, and writes its own layout back', async (t) => {
    const db = join(tempDir(), 'db.json');
    const first = await withFake(t, { db, seed: 'none' });
    for (let i = 0; i < 300; i++) await first.create({ nameFirst: `p${i}`, metadata: { note: 'line\nbreak, "quoted"' } });
    await first.close();
    const ownLayout = readFileSync(db, 'utf8');
    const clients = JSON.parse(ownLayout).clients;

    // Reopened and written again unchanged (its bytes reused), the file is the same.
    const again = await withFake(t, { db, seed: 'none' });
    await again.create({ nameFirst: 'one more' });
    const snapshot = await again.state.export();
    await again.close();
    assert.deepEqual(JSON.parse(readFileSync(db, 'utf8')), snapshot);
    // Up to the end of the clients' list, the old bytes are kept as they were.
    assert.ok(readFileSync(db, 'utf8').startsWith(ownLayout.slice(0, ownLayout.indexOf('\n],'))));

    writeFileSync(db, JSON.stringify({ clients }, null, 2));
    const pretty = await withFake(t, { db, seed: 'none' });
    assert.deepEqual((await pretty.state.export()).clients, clients);
    await pretty.create({ nameFirst: 'after hand edit' });
    await pretty.close();
    const rewritten = readFileSync(db, 'utf8');
    // A line per client, the opening line, the line of the create's event, and six closing lines
    // (the requests', webhooks' and deliveries' empty lists among them).
    assert.equal(rewritten.split('\n').length, clients.length + 1 + 1 + 7);
    assert.deepEqual(JSON.parse(rewritten).clients.slice(0, -1), clients);
  });

  it('--durable: a create that cannot be written is refused with a 503 and not kept; writes resume when they can', async (t) => {
    const dir = tempDir();
    const db = join(dir, 'db.json');
    const fake = await withFake(t, { db, seed: 'none', durable: true, logLevel: 'silent' });
    assert.equal((await fake.create({ nameFirst: 'kept' })).status, 201);
    // The store writes db.json by way of .db.json.tmp: a directory there makes every write fail.
    mkdirSync(join(dir, '.db.json.tmp'));
    const refused = await fake.create({ nameFirst: 'not on disk' });
    assert.equal(refused.status, 503);
    assert.deepEqual(refused.body, storeUnavailable(`EISDIR: illegal operation on a directory, open '${join(dir, '.db.json.tmp')}'`));
    assert.deepEqual(
      (await fake.state.export()).clients.map((c) => c.nameFirst),
      ['kept'],
    );
    rmSync(join(dir, '.db.json.tmp'), { recursive: true });
    assert.equal((await fake.create({ nameFirst: 'after' })).status, 201);
    assert.deepEqual(
      JSON.parse(readFileSync(db, 'utf8')).clients.map((c: { nameFirst: string }) => c.nameFirst),
      ['kept', 'after'],
    );
  });

  it('loads the seed only into an empty store', async (t) => {
    const db = join(tempDir(), 'db.json');
    const first = await withFake(t, { db });
    assert.equal((await first.call('GET', `/clients/${SEEDED_IDS[0]}`, { key: KEYS.acme })).status, 200);
    await first.close();
    const seedFile = join(tempDir(), 'other-seed.json');
    writeFileSync(seedFile, JSON.stringify({ clients: [{ orgId: 'org_acme', nameFirst: 'NotLoaded' }] }));
    const second = await withFake(t, { db, seed: seedFile });
    const list = await second.call('GET', '/clients', { key: KEYS.acme });
    assert.equal(list.body.pagination.total, 2);
    assert.ok(!list.text.includes('NotLoaded'));
  });

  it('fills what a seed entry omits, as a create would', async (t) => {
    const seedFile = join(tempDir(), 'seed.json');
    writeFileSync(seedFile, JSON.stringify({ clients: [{ orgId: 'org_globex', city: 'Lyon', createdAt: '2026-02-03T04:05:06+01:00' }] }));
    const fake = await withFake(t, { seed: seedFile });
    const list = await fake.call('GET', '/clients', { key: KEYS.globex });
    const [record] = list.body.data;
    assert.match(record.id, /^clt_[0-9a-hjkmnp-tv-z]{26}$/);
    assert.deepEqual(
      { ...record, id: 'x' },
      {
        id: 'x',
        orgId: 'org_globex',
        nameFirst: null,
        nameLast: null,
        businessName: null,
        email: null,
        phone: null,
        externalId: null,
        memberType: 'individual',
        addressLine1: null,
        addressLine2: null,
        city: 'Lyon',
        region: null,
        postalCode: null,
        country: null,
        metadata: {},
        active: true,
        requestCount: 0,
        createdAt: '2026-02-03T03:05:06.000Z',
        updatedAt: '2026-02-03T03:05:06.000Z',
      },
    );
  });

  const BAD_FILES: [string, string, RegExp][] = [
    ['not JSON', '{"clients": [', /store file .*db\.json is not valid JSON .*left untouched/],
    ['truncated', '{"clients":[\n{"id":"clt_01ke6qvwe0mc8vacm19w6xg3jk","orgId":"org_a', /is not valid JSON/],
    ['empty', '', /is not valid JSON/],
    ['of the wrong shape', '{"users": []}', /does not have the expected shape \(\(root\): Required\)|does not have the expected shape/],
    ['holding a bad record', '{"clients":[{"id":"x"}]}', /does not have the expected shape \(clients\.0/],
    ['an array', '[]', /does not have the expected shape \(\(root\): Expected object, received array\)/],
  ];
  for (const [name, content, message] of BAD_FILES) {
    it(`refuses to start on a store file that is ${name}, leaving it byte-identical`, async () => {
      const db = join(tempDir(), 'db.json');
      writeFileSync(db, content);
      await assert.rejects(startFake({ db, logLevel: 'silent' }), message);
      assert.equal(readFileSync(db, 'utf8'), content);
    });
  }

  it('refuses a store path that is a directory', async () => {
    const db = join(tempDir(), 'db.json');
    mkdirSync(db);
    await assert.rejects(startFake({ db, logLevel: 'silent' }), /store file .*db\.json is a directory, not a file/);
  });

  it('refuses a store file holding the same id twice', async (t) => {
    const db = join(tempDir(), 'db.json');
    const fake = await withFake(t, { db });
    await fake.close();
    const parsed = JSON.parse(readFileSync(db, 'utf8'));
    const twice = JSON.stringify({ clients: [parsed.clients[0], parsed.clients[0]] });
    writeFileSync(db, twice);
    await assert.rejects(startFake({ db, logLevel: 'silent' }), /holds the id clt_\w+ twice/);
    assert.equal(readFileSync(db, 'utf8'), twice);
  });

  it('memory store keeps nothing between starts', async (t) => {
    const first = await withFake(t, { db: 'memory', seed: 'none' });
    await first.create({ nameFirst: 'Gone' });
    await first.close();
    const second = await withFake(t, { db: 'memory', seed: 'none' });
    const list = await call(second.url, 'GET', '/clients', { key: KEYS.acme });
    assert.equal(list.body.pagination.total, 0);
  });
});
