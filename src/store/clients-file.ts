// The lowdb adapter of the file store: reads and checks the file with lowdb's TextFile, writes it
// atomically with steno (temporary file, then rename), and keeps the bytes of runs of records so
// that a write only serialises what changed since the last one.
import type { Adapter } from 'lowdb';
import { TextFile } from 'lowdb/node';
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

function toChunk(records: readonly ClientRecord[]): Chunk {
  return { records, bytes: Buffer.from(records.map((record) => JSON.stringify(record)).join(',\n')) };
}

/**
 * Reads and writes the store file. A file that cannot be parsed or has the wrong shape is never
 * overwritten: reading it throws a {@link StartupError} and the fake does not start.
 */
export class ClientsFile implements Adapter<StoreData> {
  readonly #path: string;
  readonly #file: TextFile;
  readonly #writer: Writer;
  // Records never change once stored: a full run whose records are the same objects, in the same
  // order, as last time keeps its bytes. Appends only serialise the last, open run.
  #chunks: Chunk[] = [];

  constructor(path: string) {
    this.#path = path;
    this.#file = new TextFile(path);
    this.#writer = new Writer(path);
  }

  async read(): Promise<StoreData | null> {
    let text: string | null;
    try {
      text = await this.#file.read();
    } catch (error) {
      throw new StartupError(`store file ${this.#path} ${describeFileError(error)}`);
    }
    if (text === null) return null;
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new StartupError(
        `store file ${this.#path} is not valid JSON (${(error as Error).message}); it was left untouched`,
      );
    }
    const problems = checkFor('store-file.schema.json')(data);
    if (problems.length > 0) {
      const first = problems[0] as { field: string; message: string };
      throw new StartupError(
        `store file ${this.#path} does not have the expected shape (${first.field || '(root)'}: ${first.message}); it was left untouched`,
      );
    }
    return data as StoreData;
  }

  write(data: StoreData): Promise<void> {
    const clients = data.clients;
    if (clients.length === 0) {
      this.#chunks = [];
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
      chunks.push(toChunk(clients.slice(offset, offset + CHUNK_RECORDS)));
    }
    this.#chunks = chunks;
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
