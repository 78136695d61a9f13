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

  it('answers no key for a record never set, ordered after every key', () => {
    const keys = new TextKeyColumn();
    keys.set(3, 'x');
    assert.equal(keys.get(7), undefined);
    assert.equal(keys.compare(7, 3), 1);
    assert.equal(keys.compare(3, 7), -1);
    assert.equal(keys.compare(7, 8), 0);
  });
});
