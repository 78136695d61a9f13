// A large store file is read in two halves at once, the second on a worker thread: whatever line
// the halves meet at, the records, their places and their order are those of one read.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { joinRanges, readOwnLayoutRange } from '../src/store/own-layout.js';
import type { StoreContent } from '../src/store/store-file.js';
import { Store } from '../src/store/store.js';
import { tempDir } from './support/temp-dir.js';

const COLLECTIONS = ['clients', 'things', 'others'];

function record(id: string, orgId: string, second: number): Record<string, unknown> {
  const at = new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();
  return { id, orgId, name: `Name ${id}`, createdAt: at, updatedAt: at };
}

/** A store file in the fake's layout: clients of two organisations, things, and no others. */
function storeFile(): { path: string; text: string } {
  const clients = Array.from({ length: 7 }, (_, i) => record(`clt_${i}`, i % 3 === 0 ? 'org_b' : 'org_a', i));
  const things = Array.from({ length: 3 }, (_, i) => record(`thg_${i}`, 'org_a', 10 + i));
  const text = `{"clients":[\n${clients.map((c) => JSON.stringify(c)).join(',\n')}\n],"things":[\n${things.map((t) => JSON.stringify(t)).join(',\n')}\n],"others":[\n]}\n`;
  const path = join(tempDir(), 'db.json');
  writeFileSync(path, text);
  return { path, text };
}

/** Each collection's lines as text, with what was read of each: the line, its creation time and organisation. */
function described(content: StoreContent | undefined): unknown {
  if (content === undefined) return undefined;
  return Object.fromEntries(
    Object.entries(content).map(([name, { parts, lines }]) => [
      name,
      parts.flatMap((part, i) => {
        const read = lines?.[i];
        assert.ok(read !== undefined);
        return Array.from({ length: read.count }, (_, line) => {
          const start = read.offset[line] as number;
          return [
            part.toString('utf8', start, start + (read.length[line] as number)),
            read.createdMs[line],
            read.orgIds[read.org[line] as number],
            read.idHash[line],
          ];
        });
      }),
    ]),
  );
}

describe('store file read in halves', () => {
  it('joins two ranges that meet at any line into what one read gives', async () => {
    const { path, text } = storeFile();
    const size = Buffer.byteLength(text);
    const whole = joinRanges([await readOwnLayoutRange(path, { start: 0, end: size, continues: false })], COLLECTIONS);
    assert.deepEqual(Object.keys(whole ?? {}), COLLECTIONS);
    let at = text.indexOf('\n') + 1;
    let meetings = 0;
    while (at < size) {
      const halves = joinRanges(
        [
          await readOwnLayoutRange(path, { start: 0, end: at, continues: false }),
          await readOwnLayoutRange(path, { start: at, end: size, continues: true }),
        ],
        COLLECTIONS,
      );
      assert.deepEqual(described(halves), described(whole), `halves meeting at byte ${at}`);
      meetings++;
      at = text.indexOf('\n', at) + 1;
    }
    assert.equal(meetings, text.split('\n').length - 2);
  });

  it('refuses halves that do not join: a second half after the end, or a collection named twice', async () => {
    const { path, text } = storeFile();
    const size = Buffer.byteLength(text);
    const first = await readOwnLayoutRange(path, { start: 0, end: size, continues: false });
    const again = await readOwnLayoutRange(path, { start: text.indexOf('],"things"'), end: size, continues: true });
    assert.equal(joinRanges([first, again], COLLECTIONS), undefined);
    const upToOthers = await readOwnLayoutRange(path, { start: 0, end: text.indexOf('],"others"'), continues: false });
    assert.equal(joinRanges([upToOthers, again], COLLECTIONS), undefined);
    // A second half cannot begin with the first header: it is read as a record line, and is not one.
    await assert.rejects(readOwnLayoutRange(path, { start: 0, end: size, continues: true }), SyntaxError);
  });

  it('loads the same records through a worker thread as on one thread', async () => {
    const { path } = storeFile();
    const inOne = await Store.open({ kind: 'file', path }, COLLECTIONS);
    const expected = Object.fromEntries(COLLECTIONS.map((name) => [name, inOne.collection(name).all()]));
    await inOne.close();
    const inHalves = await Store.open({ kind: 'file', path }, COLLECTIONS, { readInHalvesAboveBytes: 0 });
    try {
      assert.deepEqual(Object.fromEntries(COLLECTIONS.map((name) => [name, inHalves.collection(name).all()])), expected);
      assert.deepEqual(
        inHalves
          .collection('clients')
          .forOrg('org_b')
          .map((c) => c.id),
        ['clt_0', 'clt_3', 'clt_6'],
      );
    } finally {
      await inHalves.close();
    }
  });
});
