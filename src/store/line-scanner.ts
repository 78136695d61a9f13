// The record lines of the fake's own layout read from their bytes by a small WebAssembly module
// (line-scanner.wat, built into line-scanner-wasm.ts): start-up reads every line of the store file,
// and the module reads a line several times faster than JavaScript does over a Buffer.
import { LINE_SCANNER_WASM } from './line-scanner-wasm.js';

/** The lines one scan read, as columns by line: views of the module's memory, valid until the next scan. */
export interface ScannedLines {
  count: number;
  offset: Int32Array;
  length: Int32Array;
  idEnd: Int32Array;
  idHash: Uint32Array;
  orgStart: Int32Array;
  orgEnd: Int32Array;
  /** 1 where the organisation's bytes are those of the line before in the same scan. */
  orgSame: Int32Array;
  createdMs: Float64Array;
}

/** What line-scanner.wat exports. */
interface ScannerExports {
  stopped: { readonly value: number };
  scan(from: number, end: number, columns: number): number;
}

/** The part of the WebAssembly API used here: TypeScript declares it only in the DOM's library. */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
  Memory: new (size: { initial: number; maximum: number; shared: true }) => { readonly buffer: ArrayBuffer | SharedArrayBuffer };
}

const { WebAssembly: wasm } = globalThis as unknown as { WebAssembly: WasmApi };

let compiled: object | undefined;

const PAGE_BYTES = 65536;
/** The most lines one scan reads (line-scanner.wat). */
const SCAN_LINES = 1024;
/** The columns of one scan: seven of 4 bytes and one of 8 a line. */
const COLUMN_BYTES = SCAN_LINES * 36;
/** Room after the bytes for the module's reads of sixteen bytes at a time. */
const READ_SLACK = 16;

/**
 * Bytes the scanner reads where they are: a buffer in the module's own memory, followed by the
 * columns a scan writes. Read a file's bytes into {@link bytes}, then {@link scan} from a line start.
 *
 * @example
 * const buffer = new ScanBuffer(8 << 20);
 * const { bytesRead } = await handle.read(buffer.bytes, 0, buffer.bytes.length, 0);
 * const lines = buffer.scan(0, bytesRead); // lines.count lines, up to buffer.stopped
 */
export class ScanBuffer {
  /** Room for `capacity` bytes: a view of the module's memory, which stays valid for as long as it is held. */
  readonly bytes: Buffer;
  /** Undefined when the module's memory could not be had (a process limited in address space): every line is left unread. */
  readonly #exports: ScannerExports | undefined;
  readonly #memory: ArrayBuffer | SharedArrayBuffer;
  readonly #columns: number;
  #stopped = 0;

  constructor(capacity: number) {
    compiled ??= new wasm.Module(Buffer.from(LINE_SCANNER_WASM, 'base64'));
    // Columns 8-byte aligned after the bytes and the slack; the memory never grows, so no view goes stale.
    this.#columns = Math.ceil((capacity + READ_SLACK) / 8) * 8;
    const pages = Math.ceil((this.#columns + COLUMN_BYTES) / PAGE_BYTES);
    let memory: { readonly buffer: ArrayBuffer | SharedArrayBuffer } | undefined;
    try {
      // Shared, so that a worker thread can read a file into it (file-reading-workers.ts).
      memory = new wasm.Memory({ initial: pages, maximum: pages, shared: true });
    } catch {
      // A module's memory reserves far more address space than it holds (V8's guard regions).
      memory = undefined;
    }
    this.#exports = memory === undefined ? undefined : (new wasm.Instance(compiled, { scanner: { memory } }).exports as ScannerExports);
    this.#memory = memory?.buffer ?? new ArrayBuffer(this.#columns + COLUMN_BYTES);
    this.bytes = Buffer.from(this.#memory, 0, capacity);
  }

  /** The memory {@link bytes} is a view of, when it is shared (it is, unless the module's memory could not be had). */
  get sharedMemory(): SharedArrayBuffer | undefined {
    return this.#memory instanceof SharedArrayBuffer ? this.#memory : undefined;
  }

  /**
   * Reads the record lines of {@link bytes} from `from` (a line start) up to `end`, as
   * line-scanner.wat describes: it stops before a line that does not start with `{`, before one
   * its bytes alone cannot tell, or when it has read 1,024 lines; {@link stopped} says where.
   * Without the module's memory it reads none.
   * `end` ends the last line when no newline does.
   */
  scan(from: number, end: number): ScannedLines {
    const count = this.#exports === undefined ? 0 : this.#exports.scan(from, end, this.#columns);
    this.#stopped = this.#exports === undefined ? from : this.#exports.stopped.value;
    const column = <T>(at: number, kind: new (buffer: ArrayBufferLike, offset: number, length: number) => T): T =>
      new kind(this.#memory, this.#columns + at * SCAN_LINES, count);
    return {
      count,
      offset: column(0, Int32Array),
      length: column(4, Int32Array),
      idEnd: column(8, Int32Array),
      idHash: column(12, Uint32Array),
      orgStart: column(16, Int32Array),
      orgEnd: column(20, Int32Array),
      orgSame: column(24, Int32Array),
      createdMs: column(28, Float64Array),
    };
  }

  /** Where the last scan stopped: the start of the first line it did not read. */
  get stopped(): number {
    return this.#stopped;
  }
}
