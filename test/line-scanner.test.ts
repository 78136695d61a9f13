// The record lines of a store file are read from their bytes by line-scanner.wat: what it reads of
// a line (place, id, organisation, creation time) must be what parsing the line says, and a line
// it cannot read from its bytes alone is parsed instead. The built module must be its source's.
import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { WASM_MODULES, wasmModuleText } from '../scripts/build-wasm.js';
import { FileReadingWorkers } from '../src/store/file-reading-workers.js';
import { hashBytes } from '../src/store/id-index.js';
import { bytesOfRecords, READ_BYTES, readOwnLayout, type TakePart } from '../src/store/own-layout.js';
import type { CollectionBytes, StoreContent } from '../src/store/store-file.js';
import { createdMsOf, type StoredRecord } from '../src/store/stored-record.js';
import { tempDir } from './support/temp-dir.js';

const SEED = 20261201;

/** What was read of each line: its text, its id (and whether it was read from the bytes), organisation and creation time. */
function described({ parts, lines }: CollectionBytes) {
  return parts.flatMap((part, i) => {
    const read = lines?.[i];
    assert.ok(read !== undefined);
    return Array.from({ length: read.count }, (_, line) => {
      const start = read.offset[line] as number;
      const idEnd = read.idEnd[line] as number;
      const fromBytes = idEnd !== -1;
      if (fromBytes) assert.equal(read.idHash[line], hashBytes(part, start + 7, idEnd), 'the id hash is hashBytes of the id');
      return {
        text: part.toString('utf8', start, start + (read.length[line] as number)),
        id: fromBytes ? part.toString('latin1', start + 7, idEnd) : read.ids.get(line),
        fromBytes,
        orgId: read.orgIds[read.org[line] as number],
        createdMs: read.createdMs[line],
      };
    });
  });
}

/** What parsing says of each record. */
function parsed(records: readonly StoredRecord[]) {
  return records.map((record) => ({ text: JSON.stringify(record), id: record.id, orgId: record.orgId, createdMs: createdMsOf(record) }));
}

const plainText = fc.string({ unit: fc.constantFrom('a', 'Z', '0', '_', '-', ' ', '~'), minLength: 1, maxLength: 40 });
const anyText = fc.string({ unit: 'binary', maxLength: 40 });
const instant = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .date({ min: new Date(Date.UTC(0, 0, 1)), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true })
      .map((d) => d.toISOString()),
  },
  // Forms the fake does not write: Date.parse decides them, or they do not parse.
  fc.constantFrom(
    '2026-02-31T00:00:00.000Z',
    '2026-01-32T00:00:00.000Z',
    '2026-01-01T23:60:00.000Z',
    '2026-13-01T00:00:00.000Z',
    '2026-01-01T24:00:00.000Z',
    '2026-01-01',
    'soon',
    '',
  ),
  fc.constantFrom('2026-01-01T00:00:00Z', '2026-01-01T00:00:00.000+01:00', '+012026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.0a0Z'),
);
/** Records as the fake stores them, and shapes it does not write (odd ids, no update time, a nested creation time). */
const record = fc
  .record({
    id: fc.oneof({ weight: 4, arbitrary: plainText }, anyText),
    orgId: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('org_acme', 'org_beta') }, anyText),
    name: anyText,
    createdAt: instant,
    updatedAt: fc.option(instant, { nil: undefined, freq: 4 }),
    nested: fc.option(fc.record({ createdAt: instant, note: anyText }), { nil: undefined, freq: 2 }),
    order: fc.oneof({ weight: 4, arbitrary: fc.constant('id first') }, fc.constantFrom('created first', 'nested last')),
  })
  .map(({ id, orgId, name, createdAt, updatedAt, nested, order }) => {
    const times = updatedAt === undefined ? { createdAt } : { createdAt, updatedAt };
    if (order === 'created first') return { ...times, id, orgId, name } as unknown as StoredRecord;
    if (order === 'nested last') return { id, orgId, name, ...times, nested } as unknown as StoredRecord;
    return { id, orgId, name, nested, ...times } as unknown as StoredRecord;
  });

describe('line scanner (line-scanner.wat)', () => {
  it('reads every line as parsing it does, whatever the record holds', () => {
    const lines = { fromBytes: 0, parsed: 0 };
    fc.assert(
      fc.property(fc.array(record, { maxLength: 30 }), (records) => {
        const read = described(bytesOfRecords(records));
        assert.deepEqual(
          read.map(({ fromBytes: _, ...rest }) => rest),
          parsed(records),
        );
        for (const line of read) lines[line.fromBytes ? 'fromBytes' : 'parsed']++;
      }),
      { seed: SEED, numRuns: 400 },
    );
    // Both ways were taken often: the comparison covers the scanner, not only the parse.
    assert.ok(lines.fromBytes > 500 && lines.parsed > 500, JSON.stringify(lines));
  });

  it('reads the fake’s own records from their bytes, across scans of 1,024 lines and changes of organisation', () => {
    const records = Array.from({ length: 3000 }, (_, i) => {
      const at = new Date(Date.UTC(2026, 0, 1, 0, 0, 0, i)).toISOString();
      // Runs of one organisation that end inside a scan and at its edge.
      const orgId = i < 1024 ? 'org_a' : i < 1500 ? 'org_bb' : i % 7 === 0 ? 'org_a' : 'org_c';
      return { id: `clt_${i}`, orgId, name: `Name ${i}`, metadata: { createdAt: 'nested' }, createdAt: at, updatedAt: at };
    });
    const read = described(bytesOfRecords(records));
    assert.deepEqual(
      read.map(({ fromBytes: _, ...rest }) => rest),
      parsed(records),
    );
    assert.ok(
      read.every((line) => line.fromBytes),
      'every line read from its bytes',
    );
  });

  it('parses a line its bytes alone cannot tell, between lines read from theirs', () => {
    const at = '2026-01-01T00:00:00.000Z';
    const records = [
      { id: 'clt_1', orgId: 'org_a', createdAt: at, updatedAt: at },
      { id: 'clt_\u00e9', orgId: 'org_a', createdAt: at, updatedAt: at },
      { id: 'clt_3', orgId: 'org_\\a', createdAt: at, updatedAt: at },
      { id: 'clt_4', orgId: 'org_a', createdAt: '2026-01-01T00:00:00Z', updatedAt: at },
      { id: 'clt_5', orgId: 'org_a', createdAt: at, updatedAt: at },
    ];
    const read = described(bytesOfRecords(records));
    assert.deepEqual(
      read.map((line) => line.fromBytes),
      [true, false, false, false, true],
    );
    assert.deepEqual(
      read.map(({ fromBytes: _, ...rest }) => rest),
      parsed(records),
    );
  });

  it('reads a store file of several collections, a byte-order mark first', async () => {
    const at = '2026-01-01T00:00:00.000Z';
    const clients = Array.from({ length: 5 }, (_, i) => ({ id: `clt_${i}`, orgId: 'org_a', createdAt: at, updatedAt: at }));
    const requests = [{ id: 'req_1', orgId: 'org_b', createdAt: at, state: 'open' }];
    const path = join(tempDir(), 'db.json');
    const lines = (records: readonly object[]) => records.map((r) => JSON.stringify(r)).join(',\n');
    writeFileSync(path, `\ufeff{"clients":[\n${lines(clients)}\n],"requests":[\n${lines(requests)}\n],"webhooks":[\n]}\n`);
    const content = await readOwnLayout(path, ['clients', 'requests', 'webhooks']);
    assert.ok(content !== undefined);
    assert.deepEqual(Object.keys(content), ['clients', 'requests', 'webhooks']);
    assert.deepEqual(
      described(content.clients as CollectionBytes).map(({ fromBytes: _, ...rest }) => rest),
      parsed(clients),
    );
    assert.deepEqual(
      described(content.requests as CollectionBytes).map(({ fromBytes: _, ...rest }) => rest),
      parsed(requests),
    );
    assert.equal(await readOwnLayout(path, ['clients', 'requests']), undefined, 'a collection the store does not have');
    writeFileSync(path, `{"clients":[\n${lines(clients)}\n],"clients":[\n]}\n`);
    assert.equal(await readOwnLayout(path, ['clients']), undefined, 'a collection named twice');
    writeFileSync(path, `{"clients":[\n${lines(clients)}\n]}\n{"x":1}\n`);
    assert.equal(await readOwnLayout(path, ['clients']), undefined, 'a line after the end');
    writeFileSync(path, `{"clients":[\n${lines(clients)},\n{"id":\n]}\n`);
    await assert.rejects(readOwnLayout(path, ['clients']), SyntaxError);
  });

  it('reads a file of several reads: lines, a header, a line longer than a read and one of 100 KB across their boundaries, on this thread and by workers', async () => {
    const at = '2026-01-01T00:00:00.000Z';
    const client = (i: number, name = `client ${i}`) => ({ id: `clt_${i}`, orgId: i % 3 === 0 ? 'org_b' : 'org_a', name, createdAt: at });
    const clients: object[] = [];
    const requests: object[] = [];
    let text = '{"clients":[\n';
    const add = (list: object[], record: object, last = false) => {
      list.push(record);
      text += `${JSON.stringify(record)}${last ? '' : ','}\n`;
    };
    // Each boundary met in turn: by an ordinary line, by one of 100 KB, by a header, then a line longer than a read.
    for (let i = 0; text.length < READ_BYTES + 100; i++) add(clients, client(i));
    while (text.length < 2 * READ_BYTES - 50_000) add(clients, client(clients.length));
    add(clients, client(clients.length, 'x'.repeat(100_000)));
    while (text.length < 3 * READ_BYTES - 1000) add(clients, client(clients.length));
    // The last client ends 5 bytes before the third boundary: the header after it is across it.
    const lastLength = JSON.stringify(client(clients.length, '')).length + 1;
    add(clients, client(clients.length, 'z'.repeat(3 * READ_BYTES - 5 - text.length - lastLength)), true);
    assert.equal(text.length, 3 * READ_BYTES - 5);
    text += '],"requests":[\n';
    add(requests, { id: 'req_1', orgId: 'org_b', createdAt: at, note: 'y'.repeat(READ_BYTES + 1000) });
    for (let i = 2; i < 200; i++) add(requests, { id: `req_${i}`, orgId: 'org_a', createdAt: at }, i === 199);
    text += ']}\n';
    const path = join(tempDir(), 'db.json');
    writeFileSync(path, text);
    // The file is below the size from which workers read it, unless told otherwise; the parts are
    // answered at the end, or handed over as they are read.
    for (const readingWorkersFromBytes of [undefined, 0]) {
      for (const handed of [false, true]) {
        // What each part says, read when it is handed over: its lines are used again after.
        const taken: Record<string, { records: ReturnType<typeof described>; sizes: number[]; counts: number[]; expected: number[] }> = {};
        const takePart: TakePart = (name, buffer, lines, expected) => {
          taken[name] ??= { records: [], sizes: [], counts: [], expected: [] };
          taken[name].records.push(...described({ parts: [buffer], lines: [lines] }));
          taken[name].sizes.push(buffer.length);
          taken[name].counts.push(lines.count);
          taken[name].expected.push(expected);
        };
        const options = { ...(readingWorkersFromBytes === undefined ? {} : { readingWorkersFromBytes }), ...(handed ? { takePart } : {}) };
        const content = await readOwnLayout(path, ['clients', 'requests'], options);
        assert.ok(content !== undefined);
        const how = `workers from ${readingWorkersFromBytes}, handed ${handed}`;
        if (handed) {
          assert.deepEqual(content, { clients: { parts: [], lines: [] }, requests: { parts: [], lines: [] } }, how);
          // The clients' parts come as their reads end (the third holds the header of the requests).
          assert.deepEqual(
            taken.clients?.sizes.map((size) => size > READ_BYTES / 2),
            [true, true, true],
            how,
          );
          // Estimates: never fewer than the lines handed; the last collection's last, once the whole
          // file is read, exactly those.
          for (const { counts, expected } of Object.values(taken)) {
            let handedLines = 0;
            for (const [i, count] of counts.entries()) {
              handedLines += count;
              assert.ok((expected[i] as number) >= handedLines, how);
            }
          }
          assert.equal(taken.requests?.expected.at(-1), requests.length, how);
        }
        const described_ = (name: string) =>
          (handed ? (taken[name]?.records ?? []) : described((content as StoreContent)[name] as CollectionBytes)).map(
            ({ fromBytes: _, ...rest }) => rest,
          );
        assert.deepEqual(described_('clients'), parsed(clients as StoredRecord[]), how);
        assert.deepEqual(described_('requests'), parsed(requests as StoredRecord[]), how);
      }
    }
  });

  it('a read a worker cannot make fails with its error', async () => {
    // A directory opens for reading, and a read of it fails (EISDIR).
    const directory = openSync(tempDir(), 'r');
    const workers = new FileReadingWorkers(directory, 2);
    try {
      const memory = new SharedArrayBuffer(16);
      for (let read = 0; read < 2; read++) {
        await assert.rejects(workers.read(memory, 0, 16, 0), (error: NodeJS.ErrnoException) => error.code === 'EISDIR');
      }
    } finally {
      await workers.close();
      closeSync(directory);
    }
  });

  it('is built from its source (run npm run build:wasm after editing a .wat file)', async () => {
    for (const module of WASM_MODULES) {
      assert.equal(readFileSync(new URL(`../${module.ts}`, import.meta.url), 'utf8'), await wasmModuleText(module), module.wat);
    }
  });
});
