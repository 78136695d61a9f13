// The lowdb adapter of the file store: reads the file as record bytes (checked, unless the fake
// wrote it), writes it atomically (temporary file, then rename; the temporary file removed when a
// write fails), and keeps the log of changes of a large file.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import type { FieldError } from '../errors.js';
import { StartupError } from '../errors.js';
import { describeFileError } from '../file-errors.js';
import { withoutByteOrderMark } from '../text-file.js';
import { finishHash, HASH_START, hashStep } from './id-index.js';
import { RecordLines } from './record-lines.js';
import { createdMsOf, type StoredRecord } from './stored-record.js';

/** The file-system calls a store file's writes make; tests inject failing ones (a full disk, say). */
export interface StoreFileSystem {
  writeFile(path: string, data: readonly Buffer[]): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, options: { force: true }): Promise<void>;
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  appendFile(path: string, data: Buffer): Promise<void>;
  truncate(path: string, length: number): Promise<void>;
}

/** Node's own file system. */
export const NODE_FILE_SYSTEM: StoreFileSystem = {
  writeFile: (path, data) => fs.writeFile(path, data),
  rename: fs.rename,
  rm: fs.rm,
  mkdir: fs.mkdir,
  appendFile: (path, data) => fs.appendFile(path, data),
  truncate: fs.truncate,
};

/**
 * Writes `data` to `path` through a temporary file beside it and a rename, so that the file is
 * always either the old one or the new one. A folder deleted since start-up is made again; a
 * failed write removes its temporary file (a full disk leaves nothing half-written behind).
 *
 * @example
 * await writeAtomically(NODE_FILE_SYSTEM, '/data/db.json', [Buffer.from('{}')]);
 */
export async function writeAtomically(fileSystem: StoreFileSystem, path: string, data: readonly Buffer[]): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.tmp`);
  const write = async (): Promise<void> => {
    await fileSystem.writeFile(temporary, data);
    await fileSystem.rename(temporary, path);
  };
  try {
    try {
      await write();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      // The folder was deleted while the fake ran (before or during this write): make it again, as start-up does.
      await fileSystem.mkdir(dirname(path), { recursive: true });
      await write();
    }
  } catch (error) {
    await fileSystem.rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
}

/** What the store file holds: one array of records per collection. */
export type StoreData = Record<string, readonly StoredRecord[]>;

/**
 * A collection's part of the file, as bytes: when read, buffers of record lines with where each
 * record is in them; when written, the bytes of its records in stored order (`,\n` between them).
 */
export interface CollectionBytes {
  parts: readonly Buffer[];
  /** For each part read, its record lines. */
  lines?: readonly RecordLines[];
  /** Read from a file the fake wrote itself (so each id is in it once: not checked again). */
  written?: boolean;
}

/** The whole file as bytes, by collection. */
export type StoreContent = Record<string, CollectionBytes>;

/** One change read back from the log: a record's new version, or the removal of one by id. */
export type LoggedChange =
  | { collection: string; record: StoredRecord; json: string }
  | { collection: string; removed: string }
  | { collection: string; moved: string };

const NEWLINE = 0x0a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** Bytes read at a time at start-up: each read becomes a segment of record bytes as it is. */
const READ_BYTES = 8 << 20;
/** A log larger than this is folded into the file (compaction), so that start-up replays little of it. */
const LOG_LIMIT_BYTES = 16 << 20;
/** Records checked at once when a file the fake did not write is read. */
const CHECK_BATCH = 10_000;
/** A file at least this large is kept with a log of changes instead of being rewritten at every write. */
const DEFAULT_LOG_ABOVE_BYTES = 32 << 20;

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
const END = ']}';
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

/**
 * Reads a file in the fake's own layout as bytes, without parsing its records: large reads become
 * segments as they are, with the place of each record line. Undefined for any other layout.
 */
async function readOwnLayout(path: string, collections: readonly string[]): Promise<StoreContent | undefined> {
  const handle = await fs.open(path, 'r');
  /** Reads the next buffer's worth after what the last left unfinished. */
  const readAfter = async (tail: Buffer): Promise<{ buffer: Buffer; filled: number; bytesRead: number }> => {
    const buffer = Buffer.allocUnsafeSlow(Math.max(READ_BYTES, tail.length * 2));
    tail.copy(buffer, 0);
    const { bytesRead } = await handle.read(buffer, tail.length, buffer.length - tail.length, null);
    return { buffer, filled: tail.length + bytesRead, bytesRead };
  };
  let reading: ReturnType<typeof readAfter> | undefined;
  try {
    const content: Record<string, { parts: Buffer[]; lines: RecordLines[] }> = {};
    let current: { parts: Buffer[]; lines: RecordLines[] } | undefined;
    let ended = false;
    let carried: Buffer = Buffer.alloc(0);
    let first = true;
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
        if (buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) from = 3;
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
            const name = header[1] as string;
            if (Object.hasOwn(content, name) || !collections.includes(name)) return undefined;
            current = { parts: [], lines: [] };
            content[name] = current;
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
    return ended ? content : undefined;
  } finally {
    // A read still under way (the layout was not the fake's) ends before the file closes.
    await reading?.catch(() => undefined);
    await handle.close();
  }
}

/** Records as bytes: one buffer of their JSON, with where each is. */
function bytesOfRecords(records: readonly StoredRecord[]): CollectionBytes {
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
function parseOwnLayout(bytes: Buffer): Record<string, StoredRecord[]> | undefined {
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

/** What the adapter checks a file against before anything is loaded. */
export type StoreFileCheck = (data: unknown) => FieldError[];

/**
 * What the log's first line says: the file it follows, by size, modification time and a digest of
 * its first and last 64 KB (which a copy keeps when its modification time is not).
 */
interface LogHeader {
  base: { size: number; mtimeMs: number; ends: string };
}

/** Bytes at each end of the file that its digest covers. */
const ENDS_BYTES = 64 << 10;

/** The digest of the first and last {@link ENDS_BYTES} of a file. */
async function digestOfEnds(path: string, size: number): Promise<string> {
  const handle = await fs.open(path, 'r');
  try {
    const hash = createHash('sha1');
    const head = Buffer.alloc(Math.min(size, ENDS_BYTES));
    await handle.read(head, 0, head.length, 0);
    hash.update(head);
    const tail = Buffer.alloc(Math.min(size, ENDS_BYTES));
    await handle.read(tail, 0, tail.length, size - tail.length);
    hash.update(tail);
    return hash.digest('hex');
  } finally {
    await handle.close();
  }
}

/** How a store file is kept. */
export interface StoreFileOptions {
  /** The file system the file is written through (Node's by default). */
  fileSystem?: StoreFileSystem;
  /** A file at least this large is kept with a log of changes (32 MB by default; 0: always). */
  logAboveBytes?: number;
}

/**
 * Reads and writes the store file, and the log of changes kept beside it (`<file>.log`) once the
 * file is large. A file that cannot be parsed or has the wrong shape is never overwritten: reading
 * it throws a {@link StartupError} and the fake does not start. Collections the file does not name
 * (a file from before a resource existed) are read as empty.
 *
 * A small file is written whole at every write (a temporary file and a rename). A large one would
 * take too long, so changes are appended to the log, and the file is written whole (compacted)
 * when the log grows past 16 MB and when the fake stops. The log's first line names the file it
 * follows (size and modification time): a file the fake wrote and a log that follows it are read
 * back without checking every record again; a log that follows another file (a stop between the
 * two writes of a compaction, whose file then holds every change) is not read.
 *
 * @example
 * const file = new StoreFile('./.athenty-fake/db.json', ['clients'], checkFor('store-file.schema.json'));
 * const content = await file.read();
 */
export class StoreFile implements Adapter<StoreContent> {
  readonly #path: string;
  readonly #logPath: string;
  readonly #collections: readonly string[];
  readonly #check: StoreFileCheck;
  readonly #fileSystem: StoreFileSystem;
  readonly #logAboveBytes: number;
  /** Whether changes go to the log (the file is large); bytes the log holds. */
  #logging = false;
  #logBytes = 0;
  /** The changes the log held at start-up, to replay after the file's records. */
  #logged: LoggedChange[] = [];

  constructor(path: string, collections: readonly string[], check: StoreFileCheck, options: StoreFileOptions = {}) {
    this.#path = path;
    this.#logPath = `${path}.log`;
    this.#collections = collections;
    this.#check = check;
    this.#fileSystem = options.fileSystem ?? NODE_FILE_SYSTEM;
    this.#logAboveBytes = options.logAboveBytes ?? DEFAULT_LOG_ABOVE_BYTES;
  }

  /** Whether changes are appended to the log rather than written in a whole file. */
  get logging(): boolean {
    return this.#logging;
  }

  /** Whether the log is large enough to fold into the file. */
  get logFull(): boolean {
    return this.#logBytes > LOG_LIMIT_BYTES;
  }

  /** The changes the log held at start-up (taken once). */
  takeLogged(): LoggedChange[] {
    const logged = this.#logged;
    this.#logged = [];
    return logged;
  }

  async read(): Promise<StoreContent | null> {
    let size: number;
    let mtimeMs: number;
    try {
      ({ size, mtimeMs } = await fs.stat(this.#path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new StartupError(`store file ${this.#path} ${describeFileError(error)}`);
    }
    const log = await this.#readLog({ size, mtimeMs });
    if (log?.trusted === true) {
      // The fake wrote this file, and has the changes since: its records are taken as they are.
      const own = await this.#readOwnLayout();
      if (own !== undefined) {
        this.#logging = true;
        this.#logBytes = log.bytes;
        this.#logged = log.changes;
        return Object.fromEntries(this.#collections.map((name) => [name, { ...(own[name] ?? { parts: [] }), written: true }]));
      }
    }
    const content = (await this.#readChecked()) ?? (await this.#readWholeChecked());
    if (log !== undefined) {
      // The log follows this file (a copy of it, say): its changes are replayed on its records.
      this.#logging = true;
      this.#logBytes = log.bytes;
      this.#logged = log.changes;
      return content;
    }
    this.#logging = size >= this.#logAboveBytes;
    // Checked once: from now on the log says the fake has read this file.
    if (this.#logging) await this.#startLog();
    return content;
  }

  /**
   * A file in the fake's own layout whose every line is canonical JSON (as `JSON.stringify` writes
   * it), checked record by record in batches: its lines are kept as they were read, and no more
   * than a batch of records is ever parsed at once. Undefined for a file in another layout, or with
   * a line written otherwise (by hand, say), which {@link #readWholeChecked} reads instead.
   */
  async #readChecked(): Promise<StoreContent | undefined> {
    const own = await this.#readOwnLayout();
    if (own === undefined) return undefined;
    this.#throwFirst(this.#check(Object.fromEntries(Object.keys(own).map((name) => [name, []]))));
    const empty = Object.fromEntries(this.#collections.map((name) => [name, [] as unknown[]]));
    for (const [name, { parts, lines }] of Object.entries(own)) {
      let checked = 0;
      let batch: unknown[] = [];
      const check = (): void => {
        const problems = this.#check({ ...empty, [name]: batch });
        // Numbered as in the whole file, not the batch.
        const inFile = problems.map((p) => ({
          ...p,
          field: p.field.replace(/^([^.]+)\.(\d+)/, (_, c, i) => `${c}.${checked + Number(i)}`),
        }));
        this.#throwFirst(inFile);
        checked += batch.length;
        batch = [];
      };
      for (const [i, part] of parts.entries()) {
        const partLines = lines?.[i] as RecordLines;
        for (let line = 0; line < partLines.count; line++) {
          const start = partLines.offset[line] as number;
          const text = part.toString('utf8', start, start + (partLines.length[line] as number));
          let record: unknown;
          try {
            record = JSON.parse(text);
          } catch {
            return undefined;
          }
          if (JSON.stringify(record) !== text) return undefined;
          batch.push(record);
          if (batch.length === CHECK_BATCH) check();
        }
      }
      check();
    }
    return Object.fromEntries(this.#collections.map((name) => [name, own[name] ?? { parts: [] }]));
  }

  /** The file as bytes, when it is in the fake's own layout with every line JSON (else undefined). */
  async #readOwnLayout(): Promise<StoreContent | undefined> {
    try {
      return await readOwnLayout(this.#path, this.#collections);
    } catch (error) {
      // A line that is not JSON: the whole file is parsed, and the error says where.
      if (error instanceof SyntaxError) return undefined;
      throw new StartupError(`store file ${this.#path} ${describeFileError(error)}`);
    }
  }

  /** Any other file: parsed whole, checked, and its records written as the fake writes them. */
  async #readWholeChecked(): Promise<StoreContent> {
    let bytes: Buffer;
    try {
      bytes = withoutByteOrderMark(await fs.readFile(this.#path));
    } catch (error) {
      throw new StartupError(`store file ${this.#path} ${describeFileError(error)}`);
    }
    const data = this.#checked(bytes);
    return Object.fromEntries(this.#collections.map((name) => [name, bytesOfRecords(data[name] ?? [])]));
  }

  /** Stops start-up on the first problem found in the file, if any. */
  #throwFirst(problems: readonly FieldError[]): void {
    const first = problems[0];
    if (first === undefined) return;
    throw new StartupError(
      `store file ${this.#path} does not have the expected shape (${first.field || '(root)'}: ${first.message}); it was left untouched`,
    );
  }

  /** The file's records, parsed and checked; a {@link StartupError} when they cannot be. */
  #checked(bytes: Buffer): Record<string, StoredRecord[] | undefined> {
    let data: unknown = parseOwnLayout(bytes);
    if (data === undefined) {
      try {
        data = JSON.parse(bytes.toString('utf8'));
      } catch (error) {
        throw new StartupError(`store file ${this.#path} is not valid JSON (${(error as Error).message}); it was left untouched`);
      }
    }
    this.#throwFirst(this.#check(data));
    return data as Record<string, StoredRecord[] | undefined>;
  }

  /**
   * The log's changes, when it follows the file as it is (else undefined: no log, or one that follows
   * another file), and whether the fake wrote the file as it is (its modification time is the one
   * the log names): only then are its records taken without checking them. The log's changes are
   * checked as the file's records are; a torn last line (a stop in the middle of an append) is left out.
   */
  async #readLog(file: {
    size: number;
    mtimeMs: number;
  }): Promise<{ changes: LoggedChange[]; bytes: number; trusted: boolean } | undefined> {
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(this.#logPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StartupError(`store log ${this.#logPath} ${describeFileError(error)}`);
    }
    const lines = bytes.toString('utf8').split('\n');
    // What follows the last newline is a torn append, or nothing.
    const torn = lines.pop() as string;
    let header: LogHeader | undefined;
    try {
      header = JSON.parse(lines[0] ?? '') as LogHeader;
    } catch {
      return undefined;
    }
    if (header?.base?.size !== file.size) return undefined;
    const trusted = header.base.mtimeMs === file.mtimeMs;
    if (!trusted && header.base.ends !== (await digestOfEnds(this.#path, file.size))) return undefined;
    const changes: LoggedChange[] = [];
    const records: Record<string, StoredRecord[]> = Object.fromEntries(this.#collections.map((name) => [name, []]));
    lines.slice(1).forEach((line, index) => {
      const where = `store log ${this.#logPath} line ${index + 2}`;
      let entry: unknown;
      try {
        entry = JSON.parse(line);
      } catch (error) {
        throw new StartupError(`${where} is not valid JSON (${(error as Error).message}); it was left untouched`);
      }
      const [collection, record, removed] = Array.isArray(entry) ? entry : [];
      if (typeof collection !== 'string' || !this.#collections.includes(collection)) {
        throw new StartupError(`${where} names no collection of the store; it was left untouched`);
      }
      if (record === null && typeof removed === 'string') {
        changes.push({ collection, removed });
        return;
      }
      if (record === 'moved' && typeof removed === 'string') {
        changes.push({ collection, moved: removed });
        return;
      }
      (records[collection] as StoredRecord[]).push(record as StoredRecord);
      changes.push({ collection, record: record as StoredRecord, json: JSON.stringify(record) });
    });
    const first = this.#check(records)[0];
    if (first !== undefined) {
      throw new StartupError(
        `store log ${this.#logPath} does not have the expected shape (${first.field || '(root)'}: ${first.message}); it was left untouched`,
      );
    }
    return { changes, bytes: bytes.length - Buffer.byteLength(torn), trusted };
  }

  /** Starts the log afresh: a first line naming the file as it is now. */
  async #startLog(): Promise<void> {
    const { size, mtimeMs } = await fs.stat(this.#path);
    const header: LogHeader = { base: { size, mtimeMs, ends: await digestOfEnds(this.#path, size) } };
    const first = Buffer.from(`${JSON.stringify(header)}\n`);
    await writeAtomically(this.#fileSystem, this.#logPath, [first]);
    this.#logBytes = first.length;
  }

  /** Writes the whole file (and, once it is large, starts the log afresh). */
  async write(content: StoreContent): Promise<void> {
    const parts: Buffer[] = [];
    let size = 0;
    this.#collections.forEach((name, index) => {
      parts.push(Buffer.from(index === 0 ? `{"${name}":[\n` : `],"${name}":[\n`));
      const records = content[name]?.parts ?? [];
      parts.push(...records);
      if (records.length > 0) parts.push(Buffer.from('\n'));
    });
    parts.push(Buffer.from(`${END}\n`));
    for (const part of parts) size += part.length;
    // fs.writeFile takes the parts one by one: nothing is copied into one large buffer.
    await writeAtomically(this.#fileSystem, this.#path, parts);
    const logging = size >= this.#logAboveBytes;
    if (logging) await this.#startLog();
    else if (this.#logging) await this.#fileSystem.rm(this.#logPath, { force: true });
    this.#logging = logging;
  }

  /**
   * Appends changes to the log (each a line: `["clients",{...}]` for a record's new version,
   * `["clients",null,"id"]` for a removal, `["clients","moved","org_acme"]` for an organisation's
   * records moved after all others). A failed append is cut off again, so that the log never
   * holds a change that was refused.
   */
  async append(lines: Buffer): Promise<void> {
    try {
      await this.#fileSystem.appendFile(this.#logPath, lines);
      this.#logBytes += lines.length;
    } catch (error) {
      await this.#fileSystem.truncate(this.#logPath, this.#logBytes).catch(() => undefined);
      throw error;
    }
  }
}
