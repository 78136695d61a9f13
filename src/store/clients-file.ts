// The lowdb adapter of the file store: lowdb's atomic TextFile (steno) underneath, the file's shape
// checked on read, and each record's JSON kept so that a write never serialises a record twice.
import type { Adapter } from 'lowdb';
import { TextFile } from 'lowdb/node';
import { StartupError } from '../errors.js';
import { checkFor } from '../validation/validator.js';
import type { ClientRecord } from './client-record.js';

/** What the store file holds. */
export interface StoreData {
  clients: ClientRecord[];
}

/** Describes why a file could not be read, in a few words. */
export function describeFileError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read (permission denied)';
    case 'ENOENT':
      return 'does not exist';
    default:
      return `cannot be read (${code ?? (error as Error).message})`;
  }
}

/**
 * Reads and writes the store file. A file that cannot be parsed or has the wrong shape is never
 * overwritten: reading it throws a {@link StartupError} and the fake does not start.
 */
export class ClientsFile implements Adapter<StoreData> {
  readonly #path: string;
  readonly #file: TextFile;
  // Records never change once stored, so their JSON can be reused by every later write.
  readonly #json = new WeakMap<ClientRecord, string>();

  constructor(path: string) {
    this.#path = path;
    this.#file = new TextFile(path);
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
    // One record a line: readable, and cheap to build from the kept JSON.
    const lines = data.clients.map((record) => {
      let json = this.#json.get(record);
      if (json === undefined) {
        json = JSON.stringify(record);
        this.#json.set(record, json);
      }
      return json;
    });
    return this.#file.write(`{"clients":[\n${lines.join(',\n')}\n]}\n`);
  }
}
