// The fake's own layout of a store file, one record a line, read as bytes: the place, id,
// organisation and creation time of each record line are taken from its bytes without parsing it
// (by line-scanner.wat, where the file's bytes are read to).
import * as fs from 'node:fs/promises';
import { COMMA, NEWLINE, OPEN_BRACE } from '../json-bytes.js';
import { BYTE_ORDER_MARK } from '../text-file.js';
import { FileReadingWorkers } from './file-reading-workers.js';
import { ScanBuffer, type ScannedLines } from './line-scanner.js';
import { RecordLines } from './record-lines.js';
import type { CollectionBytes, StoreContent } from './store-file.js';
import { createdMsOf, type StoredRecord } from './stored-record.js';

/** Bytes read at a time at start-up: each read becomes a segment of record bytes as it is. */
export const READ_BYTES = 8 << 20;
/**
 * Room before each read's bytes for the end of the line the read before left unfinished, so that
 * reads need not wait for each other (a longer end is copied, with the read, to a buffer of its own).
 */
const CARRY_ROOM = 64 << 10;
/**
 * Reads under way at once. Most of a read's time is the kernel handing fresh memory its pages
 * (reading 481 MB into fresh buffers took 1.6 s here, into one reused buffer 0.07 s), which two
 * reads at once do on two threads (1.0 s), beside the scanning of the reads before them.
 */
const READS_AHEAD = 2;
/**
 * Files from this size are read by worker threads (file-reading-workers.ts), one a read under way.
 * Starting them takes about 0.1 s: at 100,000 clients (48 MB) start-up was 0.08 s slower with
 * them, at 1,000,000 (481 MB) 0.28 s faster.
 */
const READING_WORKERS_FROM_BYTES = 128 << 20;

/**
 * The layout, one record a line, so that a large file is read line by line and written in runs:
 *
 *     {"clients":[
 *     {...},
 *     {...}
 *     ],"requests":[
 *     ]}
 *
 * A file of one collection in this layout is exactly what earlier versions wrote.
 */
const FIRST_HEADER = /^\{"([a-z][a-zA-Z0-9]*)":\[$/;
const NEXT_HEADER = /^\],"([a-z][a-zA-Z0-9]*)":\[$/;
export const END = ']}';

/** The organisation read from the last line, so that a run of lines of one organisation is read once. */
interface LastOrg {
  number: number;
  bytes: Buffer | undefined;
  start: number;
  end: number;
}

/**
 * Reads the record lines of `bytes` from `from` (a line start) up to `end` into `lines`: by the
 * scanner where a line's bytes alone tell its place, id, organisation and creation time (the
 * fake's own layout: the id first, the organisation next, one top-level creation time), else by
 * parsing the line. Answers where it stopped: `end`, or the start of the first line that is not a
 * record (one that does not start with `{`).
 */
function readRecordLines(scanner: ScanBuffer, bytes: Buffer, from: number, end: number, lines: RecordLines, last: LastOrg): number {
  let at = from;
  for (;;) {
    const scanned = scanner.scan(at, end);
    if (scanned.count > 0) addScanned(lines, bytes, scanned, last);
    at = scanner.stopped;
    if (at >= end || bytes[at] !== OPEN_BRACE) return Math.min(at, end);
    if (scanned.count === 0) at = addParsedLine(lines, bytes, at, end);
  }
}

/** Adds the scanned lines to `lines`, numbering their organisations. */
function addScanned(lines: RecordLines, bytes: Buffer, scanned: ScannedLines, last: LastOrg): void {
  const first = lines.append(scanned);
  for (let line = 0; line < scanned.count; line++) {
    if (scanned.orgSame[line] === 0) {
      const start = scanned.orgStart[line] as number;
      const end = scanned.orgEnd[line] as number;
      let same = last.bytes !== undefined && last.end - last.start === end - start;
      for (let i = 0; same && i < end - start; i++) same = (last.bytes as Buffer)[last.start + i] === bytes[start + i];
      if (!same) {
        last.number = lines.orgNumber(bytes.toString('latin1', start, end));
        last.bytes = bytes;
        last.start = start;
        last.end = end;
      }
    }
    lines.org[first + line] = last.number;
  }
}

/** Adds the record line at `start` by parsing it (a SyntaxError when it is not JSON); answers where the next line starts. */
function addParsedLine(lines: RecordLines, bytes: Buffer, start: number, end: number): number {
  const newline = bytes.indexOf(NEWLINE, start);
  const lineEnd = newline === -1 || newline >= end ? end : newline;
  const contentEnd = bytes[lineEnd - 1] === COMMA ? lineEnd - 1 : lineEnd;
  const record = JSON.parse(bytes.toString('utf8', start, contentEnd)) as StoredRecord;
  lines.push(start, contentEnd - start, createdMsOf(record), lines.orgNumber(record.orgId), -1, 0, record.id);
  return lineEnd + 1;
}

/**
 * Takes a collection's part of the file as soon as it is read: a buffer and its record lines, in
 * file order, with an estimate of the collection's record lines in all (its lines so far, and as
 * many again for each as many bytes of the file left to read). The lines are cleared and used
 * again for a later read once it returns: a taker copies what it keeps of them.
 */
export type TakePart = (collection: string, buffer: Buffer, lines: RecordLines, expectedLines: number) => void;

/** A collection's lines handed to a {@link TakePart} so far, and the bytes they span. */
interface Handed {
  lines: number;
  bytes: number;
}

/** The estimate a {@link TakePart} is given, once `lines` more are handed: at the rate so far for the bytes left. */
function expectedLines(handed: Handed, lines: RecordLines, bytesLeft: number): number {
  handed.lines += lines.count;
  if (lines.count > 0) {
    const last = lines.count - 1;
    handed.bytes += (lines.offset[last] as number) + (lines.length[last] as number) - (lines.offset[0] as number);
  }
  return handed.lines + (handed.bytes === 0 ? 0 : Math.ceil((bytesLeft * handed.lines) / handed.bytes));
}

export interface ReadOwnLayoutOptions {
  /** Files from this size are read by worker threads. */
  readingWorkersFromBytes?: number;
  /**
   * Given, each part is handed over as soon as its read is scanned, while the next reads are under
   * way, and the content answered holds no part. The layout is known to be the fake's only at the
   * end: a caller given parts of a file answered undefined drops them.
   */
  takePart?: TakePart;
}

/**
 * Reads a file in the fake's own layout as bytes, without parsing its records where their bytes
 * tell what the store needs: each read becomes a segment of record bytes as it is, with the place
 * of each record line. Undefined for any other layout (a line that is not JSON rejects with a
 * SyntaxError). A file of `readingWorkersFromBytes` or more is read by worker threads.
 */
export async function readOwnLayout(
  path: string,
  collections: readonly string[],
  { readingWorkersFromBytes = READING_WORKERS_FROM_BYTES, takePart }: ReadOwnLayoutOptions = {},
): Promise<StoreContent | undefined> {
  const handle = await fs.open(path, 'r');
  const fileBytes = (await handle.stat()).size;
  const workers = fileBytes >= readingWorkersFromBytes ? new FileReadingWorkers(handle.fd, READS_AHEAD) : undefined;
  /** Reads READ_BYTES from `position` (fewer only at the file's end) after CARRY_ROOM, into memory the scanner reads where it is. */
  const readAt = async (position: number): Promise<{ scanner: ScanBuffer; bytesRead: number }> => {
    const scanner = new ScanBuffer(CARRY_ROOM + READ_BYTES);
    const shared = scanner.sharedMemory;
    if (workers !== undefined && shared !== undefined) {
      return { scanner, bytesRead: await workers.read(shared, scanner.bytes.byteOffset + CARRY_ROOM, READ_BYTES, position) };
    }
    let bytesRead = 0;
    while (bytesRead < READ_BYTES) {
      const read = await handle.read(scanner.bytes, CARRY_ROOM + bytesRead, READ_BYTES - bytesRead, position + bytesRead);
      if (read.bytesRead === 0) break;
      bytesRead += read.bytesRead;
    }
    return { scanner, bytesRead };
  };
  const reading: ReturnType<typeof readAt>[] = [];
  let position = 0;
  const readAhead = (): void => {
    while (reading.length < READS_AHEAD) {
      reading.push(readAt(position));
      position += READ_BYTES;
    }
  };
  try {
    const content: StoreContent = {};
    let current: { name: string; parts: Buffer[]; lines: RecordLines[] } | undefined;
    /** With `takePart`: the parts of the read being scanned, handed over once it is, and what each collection was handed. */
    let readParts: { name: string; buffer: Buffer; lines: RecordLines }[] = [];
    const handed = new Map<string, Handed>();
    let bytesScanned = 0;
    /**
     * Lines handed over already, cleared, for the next reads: fresh columns for every read were
     * 55 MB of new memory at 1,000,000 clients (about 0.15 s of first touches on this machine).
     */
    const spareLines: RecordLines[] = [];
    let ended = false;
    let carried: Buffer = Buffer.alloc(0);
    let first = true;
    const last: LastOrg = { number: -1, bytes: undefined, start: 0, end: 0 };
    readAhead();
    for (;;) {
      const read = await (reading.shift() as ReturnType<typeof readAt>);
      // The next reads run while this one's lines are read.
      readAhead();
      if (read.bytesRead === 0) {
        if (carried.length > 0) return undefined;
        break;
      }
      let { scanner } = read;
      let from = CARRY_ROOM - carried.length;
      if (from < 0) {
        const longer = new ScanBuffer(carried.length + read.bytesRead);
        carried.copy(longer.bytes, 0);
        read.scanner.bytes.copy(longer.bytes, carried.length, CARRY_ROOM, CARRY_ROOM + read.bytesRead);
        scanner = longer;
        from = 0;
      } else {
        carried.copy(scanner.bytes, from);
      }
      const buffer = scanner.bytes;
      const filled = from + carried.length + read.bytesRead;
      if (first) {
        first = false;
        if (buffer.subarray(from, from + BYTE_ORDER_MARK.length).equals(BYTE_ORDER_MARK)) from += BYTE_ORDER_MARK.length;
      }
      const lastNewline = buffer.lastIndexOf(NEWLINE, filled - 1);
      carried = lastNewline < from ? buffer.subarray(from, filled) : buffer.subarray(lastNewline + 1, filled);
      if (lastNewline < from) continue;
      // The bytes before `from` are no record's: nothing reads them.
      const chunk = buffer.subarray(0, lastNewline + 1);
      let chunkLines: RecordLines | undefined;
      let lineStart = from;
      while (lineStart <= lastNewline) {
        if (ended) return undefined;
        if (current !== undefined && chunk[lineStart] === OPEN_BRACE) {
          if (chunkLines === undefined) {
            chunkLines = spareLines.pop() ?? new RecordLines(chunk.length >> 8);
            last.bytes = undefined;
            if (takePart === undefined) {
              current.parts.push(chunk);
              current.lines.push(chunkLines);
            } else {
              readParts.push({ name: current.name, buffer: chunk, lines: chunkLines });
            }
          }
          lineStart = readRecordLines(scanner, chunk, lineStart, lastNewline + 1, chunkLines, last);
          continue;
        }
        const lineEnd = chunk.indexOf(NEWLINE, lineStart);
        const text = chunk.toString('utf8', lineStart, lineEnd);
        const header = (current === undefined ? FIRST_HEADER : NEXT_HEADER).exec(text);
        if (header !== null) {
          const name = header[1] as string;
          if (Object.hasOwn(content, name) || !collections.includes(name)) return undefined;
          current = { name, parts: [], lines: [] };
          content[name] = { parts: current.parts, lines: current.lines };
          handed.set(name, { lines: 0, bytes: 0 });
          chunkLines = undefined;
        } else if (current !== undefined && text === END) {
          ended = true;
        } else {
          return undefined;
        }
        lineStart = lineEnd + 1;
      }
      if (takePart !== undefined) {
        bytesScanned += chunk.length - from;
        const bytesLeft = Math.max(0, fileBytes - bytesScanned);
        for (const { name, buffer: part, lines } of readParts) {
          takePart(name, part, lines, expectedLines(handed.get(name) as Handed, lines, bytesLeft));
          lines.clear();
          spareLines.push(lines);
        }
        readParts = [];
      }
    }
    return ended ? content : undefined;
  } finally {
    // Reads still under way (past the end, or the layout was not the fake's) end before the file closes.
    await Promise.allSettled(reading);
    await workers?.close();
    await handle.close();
  }
}

/** Records as bytes: one buffer of their JSON, a line each, with where each is. */
export function bytesOfRecords(records: readonly StoredRecord[]): CollectionBytes {
  const text = records.map((record) => JSON.stringify(record)).join(',\n');
  const scanner = new ScanBuffer(Buffer.byteLength(text));
  const buffer = scanner.bytes;
  buffer.write(text);
  const lines = new RecordLines(records.length);
  readRecordLines(scanner, buffer, 0, buffer.length, lines, { number: -1, bytes: undefined, start: 0, end: 0 });
  return { parts: [buffer], lines: [lines] };
}

/**
 * Parses a file in the fake's own layout line by line (a large file never becomes one string).
 * Undefined for any other layout (a file edited by hand), which the caller parses as a whole.
 */
export function parseOwnLayout(bytes: Buffer): Record<string, StoredRecord[]> | undefined {
  if (bytes.length === 0 || bytes[bytes.length - 1] !== NEWLINE) return undefined;
  const data: Record<string, StoredRecord[]> = {};
  let current: StoredRecord[] | undefined;
  let ended = false;
  let lineStart = 0;
  while (lineStart < bytes.length) {
    if (ended) return undefined;
    const lineEnd = bytes.indexOf(NEWLINE, lineStart);
    const next = lineEnd + 1;
    if (current !== undefined && bytes[lineStart] === OPEN_BRACE) {
      // A record line: a comma after it exactly when the next line is a record too.
      const hasComma = bytes[lineEnd - 1] === COMMA;
      if (hasComma !== (bytes[next] === OPEN_BRACE)) return undefined;
      try {
        current.push(JSON.parse(bytes.toString('utf8', lineStart, hasComma ? lineEnd - 1 : lineEnd)) as StoredRecord);
      } catch {
        return undefined;
      }
    } else {
      const text = bytes.toString('utf8', lineStart, lineEnd);
      const header = (current === undefined ? FIRST_HEADER : NEXT_HEADER).exec(text);
      if (header !== null) {
        const name = header[1] as string;
        if (Object.hasOwn(data, name)) return undefined;
        current = [];
        data[name] = current;
      } else if (current !== undefined && text === END) {
        ended = true;
      } else {
        return undefined;
      }
    }
    lineStart = next;
  }
  return ended ? data : undefined;
}
