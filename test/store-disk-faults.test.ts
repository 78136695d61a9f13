// The store when the disk misbehaves: a folder deleted while the fake runs, a full disk in
// write-behind and durable mode, and resets and imports that cannot be written. An error answer
// means nothing changed, in memory or in the file; an acknowledged change is never lost beyond the
// window the README promises.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { RESOURCES } from '../src/resources/index.js';
import { collectionsOf } from '../src/api/resource.js';
import { Store } from '../src/store/store.js';
import { createTestDisk, ENOSPC_MESSAGE, type TestDisk } from './support/disk.js';
import { storeUnavailable } from './support/envelopes.js';
import { startTestFake, withFake, type TestFake } from './support/fake.js';
import { KEYS } from './support/fixture-keys.js';
import { tempDir } from './support/temp-dir.js';
import { until } from './support/until.js';

/** Write-behind writes only when the test makes them (a flush, a health check, close): never by the clock. */
const NEVER_BY_TIMER_MS = 3_600_000;

interface FakeOnDisk {
  fake: TestFake;
  store: Store;
  db: string;
}

/**
 * A fake whose store file is written through `disk`; seeded by default (two acme clients). Closed
 * when `t` ends; without `t`, the test closes it.
 */
async function fakeOnDisk(
  t: TestContext | undefined,
  disk: TestDisk,
  options: { durable?: boolean; seed?: string } = {},
): Promise<FakeOnDisk> {
  const db = join(tempDir(), 'db.json');
  const store = await Store.open(
    { kind: 'file', path: db },
    collectionsOf(RESOURCES).map((c) => c.name),
    { durable: options.durable, fileSystem: disk.fileSystem, flushIntervalMs: NEVER_BY_TIMER_MS },
  );
  const fakeOptions = options.seed === undefined ? {} : { seed: options.seed };
  const fake = t === undefined ? await startTestFake(fakeOptions, { store }) : await withFake(t, fakeOptions, { store });
  return { fake, store, db };
}

function namesInFile(db: string): unknown[] {
  return JSON.parse(readFileSync(db, 'utf8')).clients.map((c: { nameFirst: unknown }) => c.nameFirst);
}

describe('store folder deleted while the fake runs', () => {
  for (const durable of [false, true]) {
    it(`${durable ? '--durable' : 'write-behind'}: makes the folder again, as start-up does; writes and stop succeed`, async (t) => {
      const dir = join(tempDir(), 'store');
      const db = join(dir, 'db.json');
      const fake = await withFake(t, { db, seed: 'none', durable });
      assert.equal((await fake.create({ nameFirst: 'before' })).status, 201);
      rmSync(dir, { recursive: true, force: true });
      const after = await fake.create({ nameFirst: 'after' });
      assert.equal(after.status, 201);
      if (durable) assert.deepEqual(namesInFile(db), ['before', 'after']);
      assert.equal((await fake.call('GET', '/__admin/health')).status, 200);
      await fake.close();
      assert.deepEqual(namesInFile(db), ['before', 'after']);
    });
  }
});

describe('full disk, write-behind', () => {
  it('health answers 503 with the reason, creates are refused once a write failed, and no temporary file is left', async (t) => {
    const disk = createTestDisk();
    const { fake, store, db } = await fakeOnDisk(t, disk, { seed: 'none' });
    assert.equal((await fake.create({ nameFirst: 'in the window' })).status, 201);
    disk.fill();
    // The background write (the flush timer's, made by the test) finds the disk full.
    await assert.rejects(store.flush(), { kind: 'STORE_UNAVAILABLE' });
    assert.deepEqual(readdirSync(join(db, '..')), ['db.json.lock']);

    const health = await fake.call('GET', '/__admin/health');
    assert.equal(health.status, 503);
    assert.deepEqual(health.body, storeUnavailable(ENOSPC_MESSAGE));
    assert.equal((await fake.call('HEAD', '/__admin/health')).status, 503);
    // From now on nothing is acknowledged that is not on disk: the loss window does not grow.
    const refused = await Promise.all(Array.from({ length: 20 }, (_, n) => fake.create({ nameFirst: `refused ${n}` })));
    for (const res of refused) {
      assert.equal(res.status, 503);
      assert.deepEqual(res.body, storeUnavailable(ENOSPC_MESSAGE));
    }
    assert.deepEqual(
      (await fake.state.export()).clients.map((c) => c.nameFirst),
      ['in the window'],
    );
    assert.deepEqual(readdirSync(join(db, '..')), ['db.json.lock']);

    disk.free();
    // Health tries a write: the store that can be written again says so at once.
    const healthy = await fake.call('GET', '/__admin/health');
    assert.equal(healthy.status, 200);
    assert.deepEqual(namesInFile(db), ['in the window']);
    assert.equal((await fake.create({ nameFirst: 'after' })).status, 201);
    await fake.close();
    assert.deepEqual(namesInFile(db), ['in the window', 'after']);
    assert.deepEqual(readdirSync(join(db, '..')), ['db.json']);
  });

  it('a stop on a full disk rejects, and leaves the last good file and no temporary file', async () => {
    const disk = createTestDisk();
    const { fake, db } = await fakeOnDisk(undefined, disk, { seed: 'none' });
    assert.equal((await fake.create({ nameFirst: 'written' })).status, 201);
    await fake.fake.admin.store.flush();
    assert.equal((await fake.create({ nameFirst: 'pending' })).status, 201);
    disk.fill();
    await assert.rejects(fake.close(), { kind: 'STORE_UNAVAILABLE', message: `The store file cannot be written (${ENOSPC_MESSAGE}).` });
    assert.deepEqual(namesInFile(db), ['written']);
    assert.deepEqual(readdirSync(join(db, '..')), ['db.json']);
  });
});

describe('full disk, --durable', () => {
  it('a create answered 503 is not kept, and one made on top of it while it was being written is not either', async (t) => {
    const disk = createTestDisk();
    const { fake, store, db } = await fakeOnDisk(t, disk, { durable: true, seed: 'none' });
    assert.equal((await fake.create({ nameFirst: 'kept' })).status, 201);
    disk.failNext(1);
    const release = disk.hold();
    const first = fake.create({ nameFirst: 'failed write' });
    await until(() => store.collection('clients').size === 2);
    const second = fake.create({ nameFirst: 'made on top of it' });
    await until(() => store.collection('clients').size === 3);
    release();
    for (const res of await Promise.all([first, second])) {
      assert.equal(res.status, 503);
      assert.deepEqual(res.body, storeUnavailable(ENOSPC_MESSAGE));
    }
    assert.deepEqual(
      (await fake.state.export()).clients.map((c) => c.nameFirst),
      ['kept'],
    );
    assert.equal((await fake.create({ nameFirst: 'next' })).status, 201);
    await fake.close();
    assert.deepEqual(namesInFile(db), ['kept', 'next']);
    assert.equal(existsSync(join(db, '..', '.db.json.tmp')), false);
  });

  it("two request creates on one client, the first's write failing: the client's requestCount stays exact", async (t) => {
    const disk = createTestDisk();
    const { fake, store, db } = await fakeOnDisk(t, disk, { durable: true, seed: 'none' });
    const client = (await fake.create({ nameFirst: 'Counted' })).body;
    const body = { clientId: client.id, type: 'idv', requirements: ['document'] };
    assert.equal((await fake.call('POST', '/requests', { key: KEYS.acme, body })).status, 201);
    disk.failNext(1);
    const release = disk.hold();
    const first = fake.call('POST', '/requests', { key: KEYS.acme, body });
    await until(() => store.collection('requests').size === 2);
    const second = fake.call('POST', '/requests', { key: KEYS.acme, body });
    await until(() => store.collection('requests').size === 3);
    release();
    const answers = await Promise.all([first, second]);
    assert.deepEqual(
      answers.map((res) => res.status),
      [503, 503],
    );
    const counted = (await fake.call('GET', `/clients/${client.id}`, { key: KEYS.acme })).body;
    assert.equal(counted.requestCount, 1);
    await fake.close();
    const file = JSON.parse(readFileSync(db, 'utf8'));
    assert.equal(file.requests.length, 1);
    assert.equal(file.clients[0].requestCount, 1);
  });
});

describe('reset and state import on a disk that cannot be written', () => {
  it('answer 503 and change nothing, in memory or in the file, over HTTP and in-process', async (t) => {
    const disk = createTestDisk();
    const { fake, db } = await fakeOnDisk(t, disk);
    assert.equal((await fake.create({ nameFirst: 'Mine' })).status, 201);
    await fake.fake.admin.store.flush();
    const before = await fake.state.export();
    const fileBefore = readFileSync(db, 'utf8');
    const journalBefore = await fake.journal.list();
    const unchanged = async (): Promise<void> => {
      assert.deepEqual(await fake.state.export(), before);
      assert.equal(readFileSync(db, 'utf8'), fileBefore);
      assert.deepEqual(await fake.journal.list(), journalBefore);
      assert.deepEqual(readdirSync(join(db, '..')).sort(), ['db.json', 'db.json.lock']);
    };

    // The write fails while the store still looked healthy: the records are put back.
    disk.failNext(1);
    const imported = await fake.call('PUT', '/__admin/state', { body: { clients: [] } });
    assert.equal(imported.status, 503);
    assert.deepEqual(imported.body, storeUnavailable(ENOSPC_MESSAGE));
    await unchanged();
    disk.failNext(1);
    const orgReset = await fake.call('POST', '/__admin/reset?orgId=org_acme');
    assert.deepEqual([orgReset.status, orgReset.body], [503, storeUnavailable(ENOSPC_MESSAGE)]);
    await unchanged();

    // A store known to be failing refuses a reset before anything is reset.
    disk.fill();
    const reset = await fake.call('POST', '/__admin/reset');
    assert.deepEqual([reset.status, reset.body], [503, storeUnavailable(ENOSPC_MESSAGE)]);
    await unchanged();
    await assert.rejects(fake.state.import({ clients: [] }), { kind: 'STORE_UNAVAILABLE', status: 503 });
    await assert.rejects(fake.reset(), { kind: 'STORE_UNAVAILABLE', status: 503 });
    await unchanged();

    disk.free();
    const done = await fake.call('POST', '/__admin/reset');
    assert.equal(done.status, 200);
    assert.equal(done.body.clients, 2);
    assert.equal(JSON.parse(readFileSync(db, 'utf8')).clients.length, 2);
  });
});
