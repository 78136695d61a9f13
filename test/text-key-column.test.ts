// TextKeyColumn: keys off the heap read back as set and compare as JavaScript compares strings,
// through copies, replaced keys and keys longer than a chunk.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TextKeyColumn } from '../src/store/text-key-column.js';

/** JavaScript's order of two keys, none after any. */
function expectedOrder(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a < b ? -1 : 1;
}

const KEYS: (string | undefined)[] = [
  'doe jane',
  'doe',
  'doe jane ',
  '',
  undefined,
  'Zed',
  'zed',
  'émile',
  '\ud800',
  '\ud83d\ude00 smile',
  '\uffff',
  'a'.repeat(300_000),
  `${'a'.repeat(300_000)}b`,
];

describe('TextKeyColumn', () => {
  it('reads back every key as set and orders every pair as < does', () => {
    const keys = new TextKeyColumn();
    for (const [rec, key] of KEYS.entries()) keys.set(rec, key);
    for (const [rec, key] of KEYS.entries()) assert.equal(keys.get(rec), key, `record ${rec}`);
    for (let a = 0; a < KEYS.length; a++) {
      for (let b = 0; b < KEYS.length; b++) assert.equal(keys.compare(a, b), expectedOrder(KEYS[a], KEYS[b]), `${a} against ${b}`);
    }
  });

  it('keeps a copy as it was when the original changes, and the original as it was when the copy does', () => {
    const keys = new TextKeyColumn();
    keys.set(0, 'first');
    keys.set(1, 'second');
    const copy = keys.copy();
    keys.set(0, 'changed');
    keys.set(2, 'added');
    copy.set(1, 'copy changed');
    assert.deepEqual([keys.get(0), keys.get(1), keys.get(2)], ['changed', 'second', 'added']);
    assert.deepEqual([copy.get(0), copy.get(1), copy.get(2)], ['first', 'copy changed', undefined]);
  });

  it('writes its keys anew once replaced ones are most of it, and reads back the same', () => {
    const keys = new TextKeyColumn();
    const last: string[] = [];
    for (let round = 0; round < 40; round++) {
      for (let rec = 0; rec < 1000; rec++) {
        last[rec] = `name ${rec} of round ${round} ${'x'.repeat(rec % 17)}`;
        keys.set(rec, last[rec]);
      }
    }
    for (const [rec, key] of last.entries()) assert.equal(keys.get(rec), key);
    assert.equal(keys.compare(5, 50), expectedOrder(last[5], last[50]));
  });

  it('orders keys held a byte a unit against keys held two, through a copy and a rewrite', () => {
    // Latin-1 keys take one byte a unit, the others two; the order is still that of <.
    const mixed = ['\u00ff', '\u0100', '\u00ffa', '\u0100a', 'zo\u00eb', '\u0141\u00f3d\u017a', 'lodz', '', 'a\ud800'];
    const keys = new TextKeyColumn();
    for (const [rec, key] of mixed.entries()) keys.set(rec, key);
    const copy = keys.copy();
    copy.set(0, '\u0101');
    keys.set(1, 'b');
    const inKeys = mixed.map((key, rec) => (rec === 1 ? 'b' : key));
    const inCopy = mixed.map((key, rec) => (rec === 0 ? '\u0101' : key));
    // Enough replaced units to make the original write itself anew.
    for (let round = 0; round < 300; round++) keys.set(mixed.length, `\u0142${'x'.repeat(1000)}${round}`);
    inKeys[mixed.length] = `\u0142${'x'.repeat(1000)}299`;
    for (const [column, expected] of [
      [keys, inKeys],
      [copy, inCopy],
    ] as const) {
      for (const [rec, key] of expected.entries()) assert.equal(column.get(rec), key, `record ${rec}`);
      for (let a = 0; a < expected.length; a++) {
        for (let b = 0; b < expected.length; b++)
          assert.equal(column.compare(a, b), expectedOrder(expected[a], expected[b]), `${a} against ${b}`);
      }
    }
  });

  it('answers no key for a record never set, ordered after every key', () => {
    const keys = new TextKeyColumn();
    keys.set(3, 'x');
    assert.equal(keys.get(7), undefined);
    assert.equal(keys.compare(7, 3), 1);
    assert.equal(keys.compare(3, 7), -1);
    assert.equal(keys.compare(7, 8), 0);
  });
});
