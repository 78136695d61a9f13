// The lowdb adapter of the file store: reads and checks the file, writes it atomically with steno
// (temporary file, then rename), and keeps the bytes of runs of records so that a write only
// serialises what changed since the last one.
import { readFile } from 'node:fs/promises';
import type { Adapter } from 'lowdb';
import { Writer } from 'steno';
import { StartupError } from '../errors.js';
import { describeFileError } from '../file-errors.js';
import { checkFor } from '../validation/validator.js';
import type { ClientRecord } from './client-record.js';

/** What the store file holds. */
export interface StoreData {
  clients: ClientRecord[];
}

/** Records per cached run: small enough that the open run at the end is cheap to redo. */
const CHUNK_RECORDS = 256;
const HEAD = Buffer.from('{"clients":[\n');
const SEPARATOR = Buffer.from(',\n');
const TAIL = Buffer.from('\n]}\n');
const EMPTY = Buffer.from('{"clients":[]}\n');

/** A run of consecutive records and their bytes in the file (one record a line). */
interface Chunk {
  records: readonly ClientRecord[];
  bytes: Buffer;
}

function sameRun(chunk: Chunk, clients: readonly ClientRecord[], offset: number): boolean {
  if (chunk.records.length !== CHUNK_RECORDS) return false;
  for (let i = 0; i < CHUNK_RECORDS; i++) if (chunk.records[i] !== clients[offset + i]) return false;
  return true;
}


const NEWLINE = 0x0a;
const COMMA = 0x2c;

/**
 * Reads a file in the layout this adapter writes (one record a line) without turning the whole
 * file into one string: each line is parsed on its own, and runs of lines become the chunks of
 * the first write as slices of the file's bytes. Undefined for any other layout (a file edited by
 * hand), which the caller parses as a whole instead.
 */
function parseOwnLayout(bytes: Buffer): { data: StoreData; chunks: Chunk[] } | undefined {
  const end = bytes.length - TAIL.length;
  if (end < HEAD.length || !bytes.subarray(0, HEAD.length).equals(HEAD) || !bytes.subarray(end).equals(TAIL)) {
    return undefined;
  }
  const clients: ClientRecord[] = [];
  const chunks: Chunk[] = [];
  let chunkStart = HEAD.length;
  let lineStart = HEAD.length;
  while (lineStart < end) {
    const newline = bytes.indexOf(NEWLINE, lineStart);
    const lineEnd = newline === -1 || newline > end ? end : newline;
    const last = lineEnd === end;
    // Every line but the last ends with the comma that separates it from the next.
    const contentEnd = last ? lineEnd : lineEnd - 1;
    if (!last && bytes[contentEnd] !== COMMA) return undefined;
    try {
      clients.push(JSON.parse(bytes.toString('utf8', lineStart, contentEnd)) as ClientRecord);
    } catch {
      return undefined;
    }
    if (clients.length % CHUNK_RECORDS === 0 || last) {
      const records = clients.slice(chunks.length * CHUNK_RECORDS);
      chunks.push({ records, bytes: bytes.subarray(chunkStart, contentEnd) });
      chunkStart = lineEnd + 1;
    }
    lineStart = lineEnd + 1;
  }
  return { data: { clients }, chunks };
}

/**
 * Reads and writes the store file. A file that cannot be parsed or has the wrong shape is never
 * overwritten: reading it throws a {@link StartupError} and the fake does not start.
 */
export class ClientsFile implements Adapter<StoreData> {
  readonly #path: string;
  readonly #writer: Writer;
  // Records never change once stored: a full run whose records are the same objects, in the same
  // order, as last time keeps its bytes. Appends only serialise the last, open run.
  #chunks: Chunk[] = [];
  // The JSON a create already made of its record (for its answer), kept until the record's run of
  // the file is complete, so that the open run is not serialised again on every write.
  #known = new Map<ClientRecord, string>();

  constructor(path: string) {
    this.#path = path;
    this.#writer = new Writer(path);
  }

  async read(): Promise<StoreData | null> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.#path);
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
        throw new StartupError(
          `store file ${this.#path} is not valid JSON (${(error as Error).message}); it was left untouched`,
        );
      }
    }
    const problems = checkFor('store-file.schema.json')(data);
    if (problems.length > 0) {
      const first = problems[0] as { field: string; message: string };
      throw new StartupError(
        `store file ${this.#path} does not have the expected shape (${first.field || '(root)'}: ${first.message}); it was left untouched`,
      );
    }
    this.#chunks = own?.chunks ?? [];
    return data as StoreData;
  }

  /** Remembers the JSON of a new record, to write it without serialising it again. */
  remember(record: ClientRecord, json: string): void {
    this.#known.set(record, json);
  }

  #toChunk(records: readonly ClientRecord[]): Chunk {
    const lines = records.map((record) => this.#known.get(record) ?? JSON.stringify(record));
    return { records, bytes: Buffer.from(lines.join(',\n')) };
  }

  write(data: StoreData): Promise<void> {
    const clients = data.clients;
    if (clients.length === 0) {
      this.#chunks = [];
      this.#known.clear();
      return this.#writer.write(EMPTY);
    }
    const chunks: Chunk[] = [];
    let offset = 0;
    for (const cached of this.#chunks) {
      if (!sameRun(cached, clients, offset)) break;
      chunks.push(cached);
      offset += CHUNK_RECORDS;
    }
    for (; offset < clients.length; offset += CHUNK_RECORDS) {
      chunks.push(this.#toChunk(clients.slice(offset, offset + CHUNK_RECORDS)));
    }
    this.#chunks = chunks;
    // Only the open run will be serialised again: keep just its records' JSON.
    const open = chunks[chunks.length - 1] as Chunk;
    const kept = new Map<ClientRecord, string>();
    if (open.records.length < CHUNK_RECORDS) {
      for (const record of open.records) {
        const json = this.#known.get(record);
        if (json !== undefined) kept.set(record, json);
      }
    }
    this.#known = kept;
    const parts: Buffer[] = [HEAD];
    chunks.forEach((chunk, index) => {
      if (index > 0) parts.push(SEPARATOR);
      parts.push(chunk.bytes);
    });
    parts.push(TAIL);
    // steno hands the parts to fs.writeFile one by one: nothing is copied into one large buffer.
    return this.#writer.write(parts);
  }
}
