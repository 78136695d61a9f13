// The lowdb adapter of the file store: reads and checks the file, writes it atomically (temporary
// file, then rename; the temporary file removed when a write fails), and keeps the bytes of runs of
// records so that a write only serialises what changed since the last one.
import * as fs from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import type { FieldError } from '../errors.js';
import { StartupError } from '../errors.js';
import { describeFileError } from '../file-errors.js';
import { withoutByteOrderMark } from '../text-file.js';
import type { StoredRecord } from './stored-record.js';

/** The file-system calls a store file's writes make; tests inject failing ones (a full disk, say). */
export interface StoreFileSystem {
  writeFile(path: string, data: readonly Buffer[]): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, options: { force: true }): Promise<void>;
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
}

/** Node's own file system. */
export const NODE_FILE_SYSTEM: StoreFileSystem = {
  writeFile: (path, data) => fs.writeFile(path, data),
  rename: fs.rename,
  rm: fs.rm,
  mkdir: fs.mkdir,
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

/** Records per cached run: small enough that the open run at the end of a collection is cheap to redo. */
const CHUNK_RECORDS = 256;
const NEWLINE = 0x0a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;

/**
 * The layout, one record a line, so that a large file is read line by line and written in cached
 * runs:
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

/** A run of consecutive records and their bytes in the file. */
interface Chunk {
  records: readonly StoredRecord[];
  bytes: Buffer;
}

/**
 * Reads a file in the layout this adapter writes without turning the whole file into one string:
 * each line is parsed on its own, and runs of lines become the chunks of the first write as slices
 * of the file's bytes. Undefined for any other layout (a file edited by hand), which the caller
 * parses as a whole instead.
 */
function parseOwnLayout(bytes: Buffer): { data: Record<string, StoredRecord[]>; chunks: Map<string, Chunk[]> } | undefined {
  if (bytes.length === 0 || bytes[bytes.length - 1] !== NEWLINE) return undefined;
  const data: Record<string, StoredRecord[]> = {};
  const chunks = new Map<string, Chunk[]>();
  let current: { records: StoredRecord[]; runs: Chunk[]; runStart: number; lastEnd: number } | undefined;
  const finishRun = (): void => {
    if (current === undefined) return;
    const done = current.runs.length * CHUNK_RECORDS;
    if (current.records.length > done) {
      current.runs.push({ records: current.records.slice(done), bytes: bytes.subarray(current.runStart, current.lastEnd) });
    }
  };
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
      const contentEnd = hasComma ? lineEnd - 1 : lineEnd;
      if (current.records.length % CHUNK_RECORDS === 0) current.runStart = lineStart;
      try {
        current.records.push(JSON.parse(bytes.toString('utf8', lineStart, contentEnd)) as StoredRecord);
      } catch {
        return undefined;
      }
      current.lastEnd = contentEnd;
      if (current.records.length % CHUNK_RECORDS === 0) finishRun();
    } else {
      const text = bytes.toString('utf8', lineStart, lineEnd);
      finishRun();
      const header = (current === undefined ? FIRST_HEADER : NEXT_HEADER).exec(text);
      if (header !== null) {
        const name = header[1] as string;
        if (Object.hasOwn(data, name)) return undefined;
        current = { records: [], runs: [], runStart: 0, lastEnd: 0 };
        data[name] = current.records;
        chunks.set(name, current.runs);
      } else if (current !== undefined && text === END) {
        ended = true;
      } else {
        return undefined;
      }
    }
    lineStart = next;
  }
  return ended ? { data, chunks } : undefined;
}

/** What the adapter checks a file against before anything is loaded. */
export type StoreFileCheck = (data: unknown) => FieldError[];

/**
 * Reads and writes the store file. A file that cannot be parsed or has the wrong shape is never
 * overwritten: reading it throws a {@link StartupError} and the fake does not start. Collections
 * the file does not name (a file from before a resource existed) are read as empty.
 *
 * @example
 * const file = new StoreFile('./.athenty-fake/db.json', ['clients'], checkFor('store-file.schema.json'));
 * const data = await file.read();
 */
export class StoreFile implements Adapter<StoreData> {
  readonly #path: string;
  readonly #collections: readonly string[];
  readonly #check: StoreFileCheck;
  readonly #fileSystem: StoreFileSystem;
  // Records never change in place: a full run whose records are the same objects, in the same
  // order, as last time keeps its bytes. Appends only serialise the open run at the end.
  #chunks = new Map<string, Chunk[]>();
  // The JSON already made of a record not yet in a complete run, so the open run is not
  // serialised again on every write.
  #known = new Map<StoredRecord, string>();

  constructor(path: string, collections: readonly string[], check: StoreFileCheck, fileSystem: StoreFileSystem = NODE_FILE_SYSTEM) {
    this.#path = path;
    this.#collections = collections;
    this.#check = check;
    this.#fileSystem = fileSystem;
  }

  async read(): Promise<StoreData | null> {
    let bytes: Buffer;
    try {
      bytes = withoutByteOrderMark(await fs.readFile(this.#path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new StartupError(`store file ${this.#path} ${describeFileError(error)}`);
    }
    const own = parseOwnLayout(bytes);
    let data: unknown = own?.data;
    if (own === undefined) {
      try {
        data = JSON.parse(bytes.toString('utf8'));
      } catch (error) {
        throw new StartupError(`store file ${this.#path} is not valid JSON (${(error as Error).message}); it was left untouched`);
      }
    }
    const first = this.#check(data)[0];
    if (first !== undefined) {
      throw new StartupError(
        `store file ${this.#path} does not have the expected shape (${first.field || '(root)'}: ${first.message}); it was left untouched`,
      );
    }
    const read = data as Record<string, StoredRecord[] | undefined>;
    this.#chunks = own?.chunks ?? new Map();
    return Object.fromEntries(this.#collections.map((name) => [name, read[name] ?? []]));
  }

  /** The JSON of `record`, made once: kept until the record's run of the file is complete. */
  jsonOf(record: StoredRecord): string {
    let json = this.#known.get(record);
    if (json === undefined) {
      json = JSON.stringify(record);
      this.#known.set(record, json);
    }
    return json;
  }

  #chunksOf(name: string, records: readonly StoredRecord[]): Chunk[] {
    const cached = this.#chunks.get(name) ?? [];
    const chunks: Chunk[] = [];
    for (let offset = 0; offset < records.length; offset += CHUNK_RECORDS) {
      const run = records.slice(offset, offset + CHUNK_RECORDS);
      const previous = cached[chunks.length];
      const same =
        previous !== undefined && previous.records.length === run.length && previous.records.every((record, i) => record === run[i]);
      chunks.push(same ? previous : { records: run, bytes: Buffer.from(run.map((r) => this.jsonOf(r)).join(',\n')) });
    }
    return chunks;
  }

  write(data: StoreData): Promise<void> {
    const parts: Buffer[] = [];
    const chunksByName = new Map<string, Chunk[]>();
    const kept = new Map<StoredRecord, string>();
    this.#collections.forEach((name, index) => {
      parts.push(Buffer.from(index === 0 ? `{"${name}":[\n` : `],"${name}":[\n`));
      const chunks = this.#chunksOf(name, data[name] ?? []);
      chunksByName.set(name, chunks);
      chunks.forEach((chunk, i) => {
        if (i > 0) parts.push(Buffer.from(',\n'));
        parts.push(chunk.bytes);
      });
      if (chunks.length > 0) parts.push(Buffer.from('\n'));
      // Only an open run will be serialised again: keep just its records' JSON.
      const open = chunks[chunks.length - 1];
      if (open !== undefined && open.records.length < CHUNK_RECORDS) {
        for (const record of open.records) {
          const json = this.#known.get(record);
          if (json !== undefined) kept.set(record, json);
        }
      }
    });
    parts.push(Buffer.from(`${END}\n`));
    this.#chunks = chunksByName;
    this.#known = kept;
    // fs.writeFile takes the parts one by one: nothing is copied into one large buffer.
    return writeAtomically(this.#fileSystem, this.#path, parts);
  }
}
