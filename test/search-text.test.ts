// The search texts off the heap against JavaScript's own `includes`: texts and needles drawn from
// characters on both sides of U+00FF (Latin-1 entries take one byte a character, the others two),
// lone surrogates included, through adds, kills, a shared copy that both sides append to after,
// and a rewrite from the entries.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SearchText, searchPattern } from '../src/store/search-text.js';

const CHARACTERS = ['a', 'b', 'A', ' ', '@', '\u00e9', '\u00ff', '\u0100', '\u4e2d', '\ud800', '\udc00', '\u00e0'];
const text = fc.array(fc.constantFrom(...CHARACTERS), { maxLength: 6 }).map((units) => units.join(''));
const needle = fc.array(fc.constantFrom(...CHARACTERS), { maxLength: 3 }).map((units) => units.join(''));
const record = fc.array(text, { minLength: 1, maxLength: 3 });

function matching(search: SearchText, records: number, of: string): number[] {
  const hits = new Uint8Array(records);
  for (let chunk = 0; chunk < search.chunkCount; chunk++) search.scanChunk(chunk, searchPattern(of), hits);
  return [...hits.keys()].filter((rec) => hits[rec] === 1);
}

function expected(texts: ReadonlyMap<number, readonly string[]>, of: string): number[] {
  return [...texts]
    .filter(([, own]) => own.some((t) => t.includes(of)))
    .map(([rec]) => rec)
    .sort((a, b) => a - b);
}

describe('search text', () => {
  it('matches as includes does, in either encoding, through kills, a shared copy and a rewrite', () => {
    fc.assert(
      fc.property(
        fc.array(record, { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.array(record, { maxLength: 6 }),
        fc.array(needle, { minLength: 1, maxLength: 6 }),
        (first, killed, later, needles) => {
          const search = new SearchText();
          const live = new Map<number, readonly string[]>();
          const entries = first.map((texts, rec) => {
            live.set(rec, texts);
            return search.add(rec, texts);
          });
          for (const pick of killed) {
            if (entries.length === 0) break;
            const rec = pick % entries.length;
            search.kill(entries[rec] as number);
            live.delete(rec);
          }
          const copy = search.share();
          const copyLive = new Map(live);
          later.forEach((texts, index) => {
            const rec = first.length + index;
            copy.add(rec, texts);
            copyLive.set(rec, texts);
            // The original appends after sharing too: it must not write into the copy's chunks.
            search.add(rec, ['\u0101']);
            live.set(rec, ['\u0101']);
          });
          const rewritten = new SearchText();
          for (const { rec, texts } of copy.entries()) rewritten.add(rec, texts);
          const records = first.length + later.length;
          for (const of of needles) {
            assert.deepEqual(matching(search, records, of), expected(live, of), `original, needle ${JSON.stringify(of)}`);
            assert.deepEqual(matching(copy, records, of), expected(copyLive, of), `copy, needle ${JSON.stringify(of)}`);
            assert.deepEqual(matching(rewritten, records, of), expected(copyLive, of), `rewritten, needle ${JSON.stringify(of)}`);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('takes one byte a character for a Latin-1 text and two otherwise', () => {
    const search = new SearchText();
    search.add(0, ['jos\u00e9', 'jose@example.com']);
    search.add(1, ['\u0141\u00f3d\u017a']);
    search.add(2, ['zo\u00eb']);
    assert.equal(search.chunkCount, 2);
    assert.deepEqual(
      [...search.entries()],
      [
        { rec: 0, texts: ['jos\u00e9', 'jose@example.com'] },
        { rec: 2, texts: ['zo\u00eb'] },
        { rec: 1, texts: ['\u0141\u00f3d\u017a'] },
      ],
    );
    assert.deepEqual(matching(search, 3, '\u00f3d'), [1]);
    assert.deepEqual(matching(search, 3, 'o'), [0, 2]);
    assert.deepEqual(matching(search, 3, '\u017a'), [1]);
    assert.deepEqual(matching(search, 3, ''), [0, 1, 2]);
  });
});
