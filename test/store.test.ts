// The generic store under any resource: collections, updates by replacement, changes to two
// collections in one atomic write, durable rollback, and the file layout old and new.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { READ_BYTES } from '../src/store/own-layout.js';
import { Store } from '../src/store/store.js';
import { tempDir } from './support/temp-dir.js';

interface Thing {
  readonly id: string;
  readonly orgId: string;
  readonly createdAt: string;
  readonly n: number;
}

const at = (second: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();
const thing = (id: string, orgId: string, second: number, n = 0): Thing => ({ id, orgId, createdAt: at(second), n });

async function openFile(path: string, durable = false): Promise<Store> {
  return Store.open({ kind: 'file', path }, ['clients', 'things'], { durable });
}

describe('store', () => {
  it('indexes each collection by id, per organisation in creation order, and in stored order', async () => {
    const store = await Store.open({ kind: 'memory' }, ['clients', 'things']);
    const late = thing('t_2', 'org_a', 20);
    const early = thing('t_1', 'org_a', 10);
    const other = thing('t_3', 'org_b', 5);
    await store.apply([
      { collection: 'things', insert: late },
      { collection: 'things', insert: early },
      { collection: 'things', insert: other },
    ]);
    const things = store.collection<Thing>('things');
    assert.equal(things.size, 3);
    assert.deepEqual(things.get('t_1'), early);
    assert.deepEqual(things.forOrg('org_a'), [early, late]);
    assert.deepEqual(things.all(), [late, early, other]);
    assert.deepEqual(things.all('org_b'), [other]);
    assert.deepEqual([things.count(), things.count('org_a'), things.count('org_z')], [3, 2, 0]);
    assert.equal(store.collection('clients').size, 0);
    await assert.rejects(store.apply([{ collection: 'nope', insert: early }]), /no collection nope/);
  });

  it('updates a record by replacing the object in every index, keeping its place', async () => {
    const store = await Store.open({ kind: 'memory' }, ['things']);
    const a = thing('t_1', 'org_a', 1);
    const b = thing('t_2', 'org_a', 2);
    await store.apply([
      { collection: 'things', insert: a },
      { collection: 'things', insert: b },
    ]);
    const a2 = { ...a, n: 7 };
    await store.apply([{ collection: 'things', update: a2 }]);
    const things = store.collection<Thing>('things');
    assert.deepEqual(things.get('t_1'), a2);
    assert.deepEqual(things.all(), [a2, b]);
    assert.deepEqual(things.forOrg('org_a'), [a2, b]);
    assert.equal(a.n, 0, 'the old object is left as it was');
    await assert.rejects(
      store.apply([
        { collection: 'things', insert: thing('t_8', 'org_a', 3) },
        { collection: 'things', update: thing('t_9', 'org_a', 3) },
      ]),
      /no record t_9/,
    );
    assert.equal(things.get('t_8'), undefined, 'a change that cannot apply leaves everything as it was');
  });

  it('writes changes to two collections in one file write', async () => {
    const path = join(tempDir(), 'db.json');
    const store = await openFile(path, true);
    const client = thing('c_1', 'org_a', 1);
    await store.apply([{ collection: 'clients', insert: client }]);
    const updated = { ...client, n: 1 };
    const added = thing('t_1', 'org_a', 2);
    // Durable: the file is written once, with both changes, before apply() resolves.
    await store.apply([
      { collection: 'clients', update: updated },
      { collection: 'things', insert: added },
    ]);
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { clients: [updated], things: [added] });
    await store.close();
  });

  it('durable: a change whose write fails is undone in every collection, and the error reaches the caller', async () => {
    const dir = tempDir();
    const path = join(dir, 'db.json');
    const store = await openFile(path, true);
    const client = thing('c_1', 'org_a', 1);
    await store.apply([{ collection: 'clients', insert: client }]);
    // The store writes db.json by way of .db.json.tmp: a directory there makes every write fail.
    mkdirSync(join(dir, '.db.json.tmp'));
    try {
      await assert.rejects(
        store.apply([
          { collection: 'clients', update: { ...client, n: 5 } as Thing },
          { collection: 'things', insert: thing('t_1', 'org_a', 2) },
        ]),
        { name: 'ApiError', kind: 'STORE_UNAVAILABLE', status: 503, message: /^The store file cannot be written \(EISDIR: / },
      );
      assert.deepEqual(store.collection<Thing>('clients').get('c_1'), client);
      assert.deepEqual(store.collection('clients').all(), [client]);
      assert.equal(store.collection('things').size, 0);
    } finally {
      rmSync(join(dir, '.db.json.tmp'), { recursive: true });
      await store.close();
    }
  });

  it('writes one record a line per collection, and reads it back with every collection', async () => {
    const path = join(tempDir(), 'db.json');
    const store = await openFile(path);
    const records = Array.from({ length: 300 }, (_, i) => thing(`t_${String(i).padStart(3, '0')}`, 'org_a', i, i));
    await store.apply(records.map((insert) => ({ collection: 'things', insert })));
    await store.close();
    const text = readFileSync(path, 'utf8');
    assert.deepEqual(text.split('\n').slice(0, 3), ['{"clients":[', '],"things":[', `${JSON.stringify(records[0])},`]);
    assert.ok(text.endsWith(`${JSON.stringify(records[299])}\n]}\n`));
    const again = await openFile(path);
    assert.deepEqual(again.collection('things').all(), records);
    assert.equal(again.collection('clients').size, 0);
    // An update deep in the first run of records rewrites the file right.
    const changed = { ...(records[3] as Thing), n: -1 };
    await again.apply([{ collection: 'things', update: changed }]);
    await again.close();
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')).things[3], changed);
  });

  it('a file its log says the fake wrote, found past its first read not to be in its layout, is read again another way', async () => {
    const path = join(tempDir(), 'db.json');
    // Over one read (8 MB), so that the records of the first are taken before the rest is read.
    const records = Array.from({ length: 22_000 }, (_, i) => ({
      ...thing(`t_${String(i).padStart(5, '0')}`, 'org_a', i % 60, i),
      pad: 'p'.repeat(400),
    }));
    const store = await Store.open({ kind: 'file', path }, ['clients', 'things'], { logAboveBytes: 0 });
    await store.apply(records.map((insert) => ({ collection: 'things', insert })));
    await store.close();
    // The last record's line starts with a space (a character less of its padding): still JSON, no
    // longer the fake's layout. The same size, and the log made to name the new modification time:
    // it still says the fake wrote it.
    const text = readFileSync(path, 'utf8');
    const last = text.lastIndexOf(',\n{') + 2;
    assert.ok(last > READ_BYTES);
    const padding = text.indexOf('"pad":"p', last) + '"pad":"'.length;
    writeFileSync(path, `${text.slice(0, last)} ${text.slice(last, padding)}${text.slice(padding + 1)}`);
    const lastRecord = records.at(-1) as (typeof records)[number];
    records[records.length - 1] = { ...lastRecord, pad: lastRecord.pad.slice(1) };
    const [header, ...changes] = readFileSync(`${path}.log`, 'utf8').split('\n');
    const base = (JSON.parse(header as string) as { base: { mtimeMs: number } }).base;
    writeFileSync(`${path}.log`, [JSON.stringify({ base: { ...base, mtimeMs: statSync(path).mtimeMs } }), ...changes].join('\n'));
    const again = await Store.open({ kind: 'file', path }, ['clients', 'things'], { logAboveBytes: 0 });
    try {
      assert.equal(again.collection('things').size, records.length);
      assert.deepEqual(again.collection('things').all(), records);
    } finally {
      await again.close();
    }
  });

  it('loads a file of one collection in the layout earlier versions wrote, and a file without some collection', async () => {
    const dir = tempDir();
    const old = join(dir, 'old.json');
    const a = thing('c_1', 'org_a', 1);
    const b = thing('c_2', 'org_b', 2);
    writeFileSync(old, `{"clients":[\n${JSON.stringify(a)},\n${JSON.stringify(b)}\n]}\n`);
    const fromOld = await openFile(old);
    assert.deepEqual(fromOld.collection('clients').all(), [a, b]);
    assert.equal(fromOld.collection('things').size, 0);
    await fromOld.close();
    const byHand = join(dir, 'hand.json');
    writeFileSync(byHand, JSON.stringify({ clients: [b] }, null, 2));
    const fromHand = await openFile(byHand);
    assert.deepEqual(fromHand.collection('clients').all(), [b]);
    await fromHand.apply([{ collection: 'things', insert: a }]);
    await fromHand.close();
    assert.deepEqual(JSON.parse(readFileSync(byHand, 'utf8')), { clients: [b], things: [a] });
  });

  it('replaces one organisation of each collection given, and refuses an id stored twice without changing anything', async () => {
    const store = await Store.open({ kind: 'memory' }, ['clients', 'things']);
    const mine = thing('t_1', 'org_a', 1);
    const theirs = thing('t_2', 'org_b', 2);
    await store.apply([
      { collection: 'things', insert: mine },
      { collection: 'things', insert: theirs },
    ]);
    const fresh = thing('t_3', 'org_a', 3);
    await store.replace({ things: [fresh] }, 'org_a');
    assert.deepEqual(store.collection('things').all(), [theirs, fresh]);
    await assert.rejects(store.replace({ things: [thing('t_2', 'org_a', 4)] }, 'org_a'), /t_2 would be stored twice/);
    assert.deepEqual(store.collection('things').all(), [theirs, fresh]);
  });

  it('replaces a table that held more records than it is given (its columns sized anew), and a replace that fails changes nothing', async () => {
    const path = join(tempDir(), 'db.json');
    const store = await openFile(path);
    try {
      const many = Array.from({ length: 3000 }, (_, i) => thing(`t_${i}`, i % 2 === 0 ? 'org_a' : 'org_b', i));
      await store.replace({ things: many });
      const fewer = many.slice(0, 1500);
      await store.replace({ things: fewer });
      assert.deepEqual(store.collection('things').all(), fewer);
      // A record that cannot be stored half-way: nothing changed, whole or one organisation.
      const unstorable = [thing('t_new', 'org_a', 1), { ...thing('t_bad', 'org_a', 2), n: 10n } as unknown as Thing];
      await assert.rejects(store.replace({ things: unstorable }), TypeError);
      assert.deepEqual(store.collection('things').all(), fewer);
      await assert.rejects(store.replace({ things: unstorable }, 'org_a'), TypeError);
      assert.deepEqual(store.collection('things').all(), fewer);
      await assert.rejects(store.replace({ clients: [thing('c_1', 'org_a', 1)], things: unstorable }), TypeError);
      assert.deepEqual([store.collection('clients').all(), store.collection('things').all()], [[], fewer]);
    } finally {
      await store.close();
    }
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')).things.length, 1500);
  });
});
