// RecordTable.jsonChunks: an export answers the records as they were when it began, whatever
// changes the table between its chunks (each change, and each undo, is made after the first chunk).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecordTable, type TableSnapshot } from '../src/store/record-table.js';
import type { StoredRecord } from '../src/store/stored-record.js';

interface Thing extends StoredRecord {
  pad: string;
  version: number;
}

/** About a third of a chunk each: eight records make three chunks. */
const PAD = 300_000;

function thing(n: number, orgId: string, version = 1): Thing {
  const second = String(n).padStart(2, '0');
  return { id: `thg_${n}`, orgId, createdAt: `2026-01-01T00:00:${second}.000Z`, pad: 'x'.repeat(PAD), version };
}

/** Eight records in two organisations. */
function filledTable(): RecordTable<Thing> {
  const table = new RecordTable<Thing>('things');
  for (let n = 1; n <= 8; n++) {
    const record = thing(n, n % 2 === 0 ? 'org_even' : 'org_odd');
    table.insert(record, JSON.stringify(record));
  }
  return table;
}

/** The export's chunks after the first, with `change` made between the first and the second. */
function exportAround(table: RecordTable<Thing>, change: () => void, orgId?: string): { text: string; chunks: number } {
  const chunks = table.jsonChunks(orgId);
  const first = chunks.next();
  assert.equal(first.done, false);
  // Chunks share a buffer: each is copied before the next is asked for.
  const parts = [Buffer.from(first.value as Buffer)];
  change();
  for (const chunk of chunks) parts.push(Buffer.from(chunk));
  return { text: Buffer.concat(parts).toString('utf8'), chunks: parts.length };
}

function expected(table: RecordTable<Thing>, orgId?: string): string {
  return JSON.stringify(table.all(orgId));
}

/** A whole export, with nothing changed while it runs. */
function exportWhole(table: RecordTable<Thing>, orgId?: string): string {
  const parts: Buffer[] = [];
  for (const chunk of table.jsonChunks(orgId)) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts).toString('utf8');
}

/** Compares two exports, naming the records (and versions) of each rather than printing megabytes. */
function assertSameExport(actual: string, wanted: string): void {
  const names = (text: string): string[] => {
    try {
      return (JSON.parse(text) as Thing[]).map((record) => `${record.id} v${record.version} (${record.pad.length} B)`);
    } catch {
      return [`not JSON: ${text.slice(0, 40)}...${text.slice(-40)}`];
    }
  };
  assert.deepEqual(names(actual), names(wanted));
  assert.ok(actual === wanted, 'the export is byte for byte what JSON.stringify writes');
}

/** The eight records, the first two updated: their old bytes are dead. */
function changedTable(): RecordTable<Thing> {
  const table = filledTable();
  for (const n of [1, 2])
    table.update(thing(n, n % 2 === 0 ? 'org_even' : 'org_odd', 2), JSON.stringify(thing(n, n % 2 === 0 ? 'org_even' : 'org_odd', 2)));
  return table;
}

/** Another table, to restore from: records 3 and 4 gone, 30 added. */
function otherSnapshot() {
  const other = filledTable();
  other.remove('thg_3');
  other.remove('thg_4');
  other.insert(thing(30, 'org_even'), JSON.stringify(thing(30, 'org_even')));
  return other.snapshot();
}

/** Records 40 to 40 + count - 1 of one organisation. */
function newThings(count: number, orgId: string): Thing[] {
  return Array.from({ length: count }, (_, i) => thing(40 + i, orgId));
}

const changes: { name: string; change: (table: RecordTable<Thing>) => void; prepare?: (table: RecordTable<Thing>) => void }[] = [
  { name: 'an insert', change: (table) => table.insert(thing(9, 'org_odd'), JSON.stringify(thing(9, 'org_odd'))) },
  { name: 'an update', change: (table) => table.update(thing(7, 'org_odd', 3), JSON.stringify(thing(7, 'org_odd', 3))) },
  { name: 'a removal', change: (table) => table.remove('thg_6') },
  { name: 'a replacement of every record', change: (table) => table.replace(newThings(6, 'org_even')) },
  { name: "a replacement of an organisation's records", change: (table) => table.replace(newThings(4, 'org_even'), 'org_even') },
  { name: 'a move of an organisation to the end', change: (table) => table.moveToEnd('org_odd') },
  {
    name: 'a restore of a snapshot',
    change: (table) => table.restore(snapshots.get(table) as TableSnapshot<Thing>),
    prepare: (table) => {
      snapshots.set(table, table.snapshot());
      table.remove('thg_2');
      table.update(thing(8, 'org_even', 3), JSON.stringify(thing(8, 'org_even', 3)));
      table.insert(thing(22, 'org_even'), JSON.stringify(thing(22, 'org_even')));
    },
  },
  {
    name: "a restore of an organisation's records",
    change: (table) => table.restore(snapshots.get(table) as TableSnapshot<Thing>, 'org_even'),
    prepare: (table) => {
      snapshots.set(table, table.snapshot());
      table.update(thing(4, 'org_even', 3), JSON.stringify(thing(4, 'org_even', 3)));
      table.update(thing(8, 'org_even', 3), JSON.stringify(thing(8, 'org_even', 3)));
    },
  },
  { name: 'a restore of another table', change: (table) => table.restore(otherSnapshot()) },
  { name: "a restore of another table's organisation", change: (table) => table.restore(otherSnapshot(), 'org_even') },
  {
    name: 'a compaction',
    change: (table) => {
      const dead = table.deadBytes;
      table.compact();
      assert.ok(table.deadBytes < dead, 'the compaction let a segment go');
    },
  },
];
const snapshots = new WeakMap<RecordTable<Thing>, TableSnapshot<Thing>>();

describe('an export under way', () => {
  for (const { name, change, prepare } of changes) {
    it(`answers the records of its start after ${name}`, () => {
      for (const orgId of [undefined, 'org_even']) {
        const table = changedTable();
        prepare?.(table);
        const before = expected(table, orgId);
        const { text, chunks } = exportAround(table, () => change(table), orgId);
        assert.ok(chunks > 1, 'the change comes between chunks');
        assertSameExport(text, before);
        // A new export answers the table as the change left it.
        assertSameExport(exportWhole(table, orgId), expected(table, orgId));
      }
    });
  }

  const undoes: { name: string; change: (table: RecordTable<Thing>) => () => void }[] = [
    { name: 'an insert', change: (table) => table.insert(thing(9, 'org_odd'), JSON.stringify(thing(9, 'org_odd'))) },
    { name: 'an update', change: (table) => table.update(thing(7, 'org_odd', 2), JSON.stringify(thing(7, 'org_odd', 2))) },
    { name: 'a removal', change: (table) => table.remove('thg_5') },
    { name: 'a replacement', change: (table) => table.replace(newThings(6, 'org_odd')) },
    { name: "an organisation's replacement", change: (table) => table.replace(newThings(4, 'org_odd'), 'org_odd') },
    { name: 'a restore', change: (table) => table.restore(otherSnapshot()) },
  ];
  for (const { name, change } of undoes) {
    it(`answers the records of its start after the undo of ${name}`, () => {
      const table = filledTable();
      // As a store that writes a file does: only its changes can be undone in full.
      table.trackChanges();
      const undo = change(table);
      const before = expected(table);
      const { text } = exportAround(table, undo);
      assertSameExport(text, before);
    });
  }

  it('answers a record larger than a chunk whole, in a chunk of its own', () => {
    const table = new RecordTable<Thing>('things');
    const big = { ...thing(1, 'org_odd'), pad: 'y'.repeat(3 * PAD + PAD) };
    table.insert(big, JSON.stringify(big));
    table.insert(thing(2, 'org_odd'), JSON.stringify(thing(2, 'org_odd')));
    const { text, chunks } = exportAround(table, () => table.remove('thg_1'));
    assert.equal(chunks, 3);
    assertSameExport(text, JSON.stringify([big, thing(2, 'org_odd')]));
  });
});
