// The fake's own layout of a store file, one record a line, read as bytes: the place, id,
// organisation and creation time of each record line are taken from its bytes without parsing it.
// A large file is read in two halves at once, the second on a worker thread.
import * as fs from 'node:fs/promises';
import { BACKSLASH, CLOSE_BRACE, COMMA, NEWLINE, OPEN_BRACE, QUOTE } from '../json-bytes.js';
import { OWN_LAYOUT_WORKER } from '../paths.js';
import { BYTE_ORDER_MARK } from '../text-file.js';
import { startWorker } from '../worker-thread.js';
import type { HalfRead, HalfToRead } from './own-layout-worker.js';
import { finishHash, HASH_START, hashStep } from './id-index.js';
import { RecordLines } from './record-lines.js';
import type { CollectionBytes, StoreContent } from './store-file.js';
import { createdMsOf, type StoredRecord } from './stored-record.js';

/** Bytes read at a time at start-up: each read becomes a segment of record bytes as it is. */
const READ_BYTES = 8 << 20;

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
const ID_PREFIX = Buffer.from('{"id":"');
const ORG_PREFIX = Buffer.from(',"orgId":"');
const CREATED_AT = Buffer.from('"createdAt":"');

/** Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** The number written in `count` digits at `from`, or NaN. */
function digitsAt(bytes: Buffer, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const digit = (bytes[i] as number) - 0x30;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
}

/** Milliseconds of `YYYY-MM-DDTHH:mm:ss.sssZ` at `at` (the form the fake writes), or NaN when it is not exactly that. */
function isoMsAt(bytes: Buffer, at: number): number {
  if (bytes[at + 4] !== 0x2d || bytes[at + 7] !== 0x2d || bytes[at + 10] !== 0x54 || bytes[at + 13] !== 0x3a) return Number.NaN;
  if (bytes[at + 16] !== 0x3a || bytes[at + 19] !== 0x2e || bytes[at + 23] !== 0x5a || bytes[at + 24] !== QUOTE) return Number.NaN;
  const month = digitsAt(bytes, at + 5, 2);
  const day = digitsAt(bytes, at + 8, 2);
  const hours = digitsAt(bytes, at + 11, 2);
  const minutes = digitsAt(bytes, at + 14, 2);
  const seconds = digitsAt(bytes, at + 17, 2);
  // Out of range: Date.parse decides, as it does for any other form.
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= 31 && hours <= 23 && minutes <= 59 && seconds <= 59)) return Number.NaN;
  const days = daysFromCivil(digitsAt(bytes, at, 4), month, day);
  return ((days * 24 + hours) * 60 + minutes) * 60_000 + seconds * 1000 + digitsAt(bytes, at + 20, 3);
}

/** Whether `bytes` at `at` hold `prefix`. */
function startsWithAt(bytes: Buffer, at: number, prefix: Buffer): boolean {
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false;
  return true;
}

/** The organisation read from the last line, so that a run of lines of one organisation is read once. */
interface LastOrg {
  number: number;
  bytes: Buffer | undefined;
  start: number;
  end: number;
}

/** The layout's last bytes when a record ends with its creation and update times, as a client does. */
const UPDATED_AT = Buffer.from('","updatedAt":"');
/** From `"createdAt":"` to the record's end in that layout: both instants, their keys and the closing `"}`. */
const TIMES_TAIL = CREATED_AT.length + 24 + UPDATED_AT.length + 24 + 2;

/**
 * Where the record's own `"createdAt":"` is in a line ending at `end`: the last one, with no
 * object closing after it but the record's own. Found at once when the record ends with both
 * instants (the canonical layout of clients); searched for otherwise. -1 when there is none.
 */
function topLevelCreatedAt(bytes: Buffer, after: number, end: number): number {
  const guess = end - TIMES_TAIL;
  if (
    guess > after &&
    startsWithAt(bytes, guess, CREATED_AT) &&
    startsWithAt(bytes, guess + CREATED_AT.length + 24, UPDATED_AT) &&
    bytes[end - 2] === QUOTE &&
    bytes[end - 1] === CLOSE_BRACE &&
    bytes[guess - 1] !== BACKSLASH
  ) {
    // Both instants are checked digit by digit later (the update time only for its shape here): no brace can hide in them.
    for (let i = end - 26; i < end - 2; i++) if (bytes[i] === CLOSE_BRACE || bytes[i] === QUOTE) return -1;
    return guess;
  }
  const created = bytes.lastIndexOf(CREATED_AT, end - CREATED_AT.length);
  if (created <= after || bytes[created - 1] === BACKSLASH || bytes.indexOf(CLOSE_BRACE, created) !== end - 1) return -1;
  return created;
}

/**
 * Adds a record line to `lines` from its bytes, where the fake's own layout allows: the id first,
 * the organisation next, one top-level creation time. False (nothing added) otherwise.
 */
function addOwnLine(lines: RecordLines, bytes: Buffer, start: number, end: number, last: LastOrg): boolean {
  if (!startsWithAt(bytes, start, ID_PREFIX)) return false;
  const idStart = start + ID_PREFIX.length;
  // The id's hash, up to its closing quote, in one pass: -1 when it is not plain.
  let idHash = HASH_START;
  let idEnd = idStart;
  for (; idEnd < end; idEnd++) {
    const byte = bytes[idEnd] as number;
    if (byte === QUOTE) break;
    if (byte < 0x20 || byte > 0x7e || byte === BACKSLASH) return false;
    idHash = hashStep(idHash, byte);
  }
  if (idEnd >= end || !startsWithAt(bytes, idEnd + 1, ORG_PREFIX)) return false;
  idHash = finishHash(idHash);
  const orgStart = idEnd + 1 + ORG_PREFIX.length;
  let orgEnd = orgStart;
  for (; orgEnd < end; orgEnd++) {
    const byte = bytes[orgEnd] as number;
    if (byte === QUOTE) break;
    if (byte < 0x20 || byte > 0x7e || byte === BACKSLASH) return false;
  }
  if (orgEnd >= end) return false;
  const created = topLevelCreatedAt(bytes, orgEnd, end);
  if (created === -1) return false;
  const createdMs = isoMsAt(bytes, created + CREATED_AT.length);
  if (Number.isNaN(createdMs)) return false;
  const length = orgEnd - orgStart;
  let same = last.bytes !== undefined && last.end - last.start === length;
  for (let i = 0; same && i < length; i++) same = (last.bytes as Buffer)[last.start + i] === bytes[orgStart + i];
  if (!same) {
    last.number = lines.orgNumber(bytes.toString('latin1', orgStart, orgEnd));
    last.bytes = bytes;
    last.start = orgStart;
    last.end = orgEnd;
  }
  lines.push(start, end - start, createdMs, last.number, idEnd, idHash);
  return true;
}

/** Adds a record line to `lines`: from its bytes where it can be, else by parsing the line. */
function addLine(lines: RecordLines, bytes: Buffer, start: number, end: number, last: LastOrg): void {
  if (addOwnLine(lines, bytes, start, end, last)) return;
  const record = JSON.parse(bytes.toString('utf8', start, end)) as StoredRecord;
  lines.push(start, end - start, createdMsOf(record), lines.orgNumber(record.orgId), -1, 0, record.id);
}

/** A collection's record lines read from one range of the file. */
export interface RangePiece {
  /** The collection whose header the range holds; undefined for lines that continue the one before the range. */
  name: string | undefined;
  parts: Buffer[];
  lines: RecordLines[];
}

/** What one range of the file holds, in order, and whether the file's last line (`]}`) was in it. */
export interface RangeRead {
  pieces: RangePiece[];
  ended: boolean;
}

/**
 * Reads bytes `start` to `end` of a file in the fake's own layout (a range that begins at a line),
 * without parsing its records: large reads become segments as they are, with the place of each
 * record line. A range that `continues` another begins inside a collection. Undefined for any other layout.
 */
export async function readOwnLayoutRange(
  path: string,
  range: { start: number; end: number; continues: boolean },
): Promise<RangeRead | undefined> {
  const handle = await fs.open(path, 'r');
  let position = range.start;
  /** Reads the next buffer's worth after what the last left unfinished. */
  const readAfter = async (tail: Buffer): Promise<{ buffer: Buffer; filled: number; bytesRead: number }> => {
    const buffer = Buffer.allocUnsafeSlow(Math.max(READ_BYTES, tail.length * 2));
    tail.copy(buffer, 0);
    const wanted = Math.min(buffer.length - tail.length, range.end - position);
    const { bytesRead } = wanted === 0 ? { bytesRead: 0 } : await handle.read(buffer, tail.length, wanted, position);
    position += bytesRead;
    return { buffer, filled: tail.length + bytesRead, bytesRead };
  };
  let reading: ReturnType<typeof readAfter> | undefined;
  try {
    const pieces: RangePiece[] = [];
    let current: RangePiece | undefined;
    if (range.continues) {
      current = { name: undefined, parts: [], lines: [] };
      pieces.push(current);
    }
    let ended = false;
    let carried: Buffer = Buffer.alloc(0);
    let first = !range.continues;
    const last: LastOrg = { number: -1, bytes: undefined, start: 0, end: 0 };
    reading = readAfter(carried);
    for (;;) {
      const { buffer, filled, bytesRead } = await (reading as ReturnType<typeof readAfter>);
      if (bytesRead === 0) {
        if (filled > 0) return undefined;
        break;
      }
      let from = 0;
      if (first) {
        first = false;
        if (buffer.subarray(0, BYTE_ORDER_MARK.length).equals(BYTE_ORDER_MARK)) from = BYTE_ORDER_MARK.length;
      }
      const lastNewline = buffer.lastIndexOf(NEWLINE, filled - 1);
      // The next read runs while this buffer's lines are read.
      carried = lastNewline === -1 ? buffer.subarray(0, filled) : buffer.subarray(lastNewline + 1, filled);
      reading = readAfter(carried);
      if (lastNewline === -1) continue;
      const chunk = buffer.subarray(0, lastNewline + 1);
      let chunkLines: RecordLines | undefined;
      let lineStart = from;
      while (lineStart <= lastNewline) {
        if (ended) return undefined;
        const lineEnd = chunk.indexOf(NEWLINE, lineStart);
        if (current !== undefined && chunk[lineStart] === OPEN_BRACE) {
          const contentEnd = chunk[lineEnd - 1] === COMMA ? lineEnd - 1 : lineEnd;
          if (chunkLines === undefined) {
            chunkLines = new RecordLines(chunk.length >> 8);
            last.bytes = undefined;
            current.parts.push(chunk);
            current.lines.push(chunkLines);
          }
          addLine(chunkLines, chunk, lineStart, contentEnd, last);
        } else {
          const text = chunk.toString('utf8', lineStart, lineEnd);
          const header = (current === undefined ? FIRST_HEADER : NEXT_HEADER).exec(text);
          if (header !== null) {
            // Which collections, and each once: checked as the ranges are joined.
            current = { name: header[1] as string, parts: [], lines: [] };
            pieces.push(current);
            chunkLines = undefined;
          } else if (current !== undefined && text === END) {
            ended = true;
          } else {
            return undefined;
          }
        }
        lineStart = lineEnd + 1;
      }
    }
    return { pieces, ended };
  } finally {
    // A read still under way (the layout was not the fake's) ends before the file closes.
    await reading?.catch(() => undefined);
    await handle.close();
  }
}

/** A file at least this large is read in two halves at once (the second on a worker thread). */
export const READ_IN_HALVES_ABOVE_BYTES = 64 << 20;

/**
 * Reads a file in the fake's own layout as bytes, without parsing its records: large reads become
 * segments as they are, with the place of each record line. A file of `inHalvesAboveBytes` or more
 * is read in two halves at once, the second on a worker thread. Undefined for any other layout.
 */
export async function readOwnLayout(
  path: string,
  collections: readonly string[],
  inHalvesAboveBytes: number,
): Promise<StoreContent | undefined> {
  const { size } = await fs.stat(path);
  const middle = size >= inHalvesAboveBytes ? await lineStartNear(path, size >> 1, size) : -1;
  let reads: (RangeRead | undefined)[];
  if (middle === -1) {
    reads = [await readOwnLayoutRange(path, { start: 0, end: size, continues: false })];
  } else {
    const second = readHalfOnWorker({ path, start: middle, end: size });
    // Both halves are read to their end before either answer counts (no read is left running).
    const [firstRead, secondRead] = await Promise.allSettled([
      readOwnLayoutRange(path, { start: 0, end: middle, continues: false }),
      second,
    ]);
    if (firstRead.status === 'rejected') throw firstRead.reason;
    if (secondRead.status === 'rejected') throw secondRead.reason;
    reads = [firstRead.value, secondRead.value];
  }
  return joinRanges(reads, collections);
}

/**
 * Reads a range of a store file on a worker thread (see {@link readOwnLayout}): its buffers and
 * line columns are moved back, not copied. A line that is not JSON rejects with a SyntaxError, as
 * a read on this thread would.
 */
function readHalfOnWorker(half: HalfToRead): Promise<RangeRead | undefined> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(OWN_LAYOUT_WORKER, half);
    worker.once('message', (answer: HalfRead) => {
      if ('read' in answer) resolve(answer.read === undefined ? undefined : revived(answer.read));
      else if ('syntaxError' in answer) reject(new SyntaxError(answer.syntaxError));
      else reject(Object.assign(new Error(answer.error.message), { code: answer.error.code }));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the store file's reading thread stopped (exit code ${code})`)));
  });
}

/** A range read moved from a worker thread: its buffers and line columns as the classes they were. */
function revived(moved: RangeRead): RangeRead {
  return {
    ended: moved.ended,
    pieces: moved.pieces.map((piece) => ({
      name: piece.name,
      parts: piece.parts.map((part) => Buffer.from(part.buffer, part.byteOffset, part.byteLength)),
      lines: piece.lines.map((lines) => RecordLines.revive(lines)),
    })),
  };
}

/** The ranges' pieces as the file's collections, in order; undefined when a range is not the layout or they do not join. */
export function joinRanges(reads: readonly (RangeRead | undefined)[], collections: readonly string[]): StoreContent | undefined {
  const content: Record<string, { parts: Buffer[]; lines: RecordLines[] }> = {};
  let current: { parts: Buffer[]; lines: RecordLines[] } | undefined;
  let ended = false;
  for (const read of reads) {
    if (read === undefined || ended) return undefined;
    for (const piece of read.pieces) {
      if (piece.name === undefined) {
        // Lines before the range's first header continue the collection the last range ended in.
        if (current === undefined) return undefined;
      } else {
        if (Object.hasOwn(content, piece.name) || !collections.includes(piece.name)) return undefined;
        current = { parts: [], lines: [] };
        content[piece.name] = current;
      }
      current.parts.push(...piece.parts);
      current.lines.push(...piece.lines);
    }
    ended = read.ended;
  }
  return ended ? content : undefined;
}

/** Where the first line that begins at or after `at` begins (-1 when none does within a megabyte). */
async function lineStartNear(path: string, at: number, size: number): Promise<number> {
  const handle = await fs.open(path, 'r');
  try {
    const window = Buffer.allocUnsafe(Math.min(1 << 20, size - at));
    const { bytesRead } = await handle.read(window, 0, window.length, at);
    const newline = window.subarray(0, bytesRead).indexOf(NEWLINE);
    return newline === -1 || at + newline + 1 >= size ? -1 : at + newline + 1;
  } finally {
    await handle.close();
  }
}

/** Records as bytes: one buffer of their JSON, with where each is. */
export function bytesOfRecords(records: readonly StoredRecord[]): CollectionBytes {
  const texts = records.map((record) => JSON.stringify(record));
  const buffer = Buffer.from(texts.join(',\n'));
  const lines = new RecordLines(records.length);
  const last: LastOrg = { number: -1, bytes: undefined, start: 0, end: 0 };
  let offset = 0;
  for (const text of texts) {
    const length = Buffer.byteLength(text);
    addLine(lines, buffer, offset, offset + length, last);
    offset += length + 2;
  }
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
