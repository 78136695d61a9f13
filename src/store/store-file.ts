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
import { bytesOfRecords, END, parseOwnLayout, readOwnLayout, type TakePart } from './own-layout.js';
import type { RecordLines } from './record-lines.js';
import type { StoredRecord } from './stored-record.js';

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

/** A log larger than this is folded into the file (compaction), so that start-up replays little of it. */
const LOG_LIMIT_BYTES = 16 << 20;
/** Records checked at once when a file the fake did not write is read. */
const CHECK_BATCH = 10_000;
/** A file at least this large is kept with a log of changes instead of being rewritten at every write. */
const DEFAULT_LOG_ABOVE_BYTES = 32 << 20;

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

  /**
   * Reads the file: null when there is none. A file the fake wrote itself, whose log says so, is
   * read as bytes, and its parts are handed to `parts.take` as they are read (the content answered
   * then holds none); if it turns out not to be in the fake's own layout after all, `parts.drop()`
   * is called, and the file is read another way into the content answered.
   */
  async read(parts?: { take: TakePart; drop(): void }): Promise<StoreContent | null> {
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
      const own = await this.#readOwnLayout(parts?.take);
      if (own !== undefined) {
        this.#logging = true;
        this.#logBytes = log.bytes;
        this.#logged = log.changes;
        return Object.fromEntries(this.#collections.map((name) => [name, { ...(own[name] ?? { parts: [] }), written: true }]));
      }
      parts?.drop();
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
  async #readOwnLayout(takePart?: TakePart): Promise<StoreContent | undefined> {
    try {
      return await readOwnLayout(this.#path, this.#collections, takePart === undefined ? {} : { takePart });
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
