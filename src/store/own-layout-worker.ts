// The worker thread that reads the second half of a large store file (see own-layout.ts): its record
// buffers and line columns are moved to the main thread, not copied.
import { parentPort, workerData } from 'node:worker_threads';
import { readOwnLayoutRange, type RangeRead } from './own-layout.js';

/** What the worker is given: the file, and the range it reads. */
export interface HalfToRead {
  path: string;
  start: number;
  end: number;
}

/** What it answers: the range read, not the layout, or the error that stopped the read. */
export type HalfRead = { read: RangeRead | undefined } | { syntaxError: string } | { error: { message: string; code?: string } };

/** The memory a read's buffers and line columns hold: moved with the message. */
function movedMemory(read: RangeRead): ArrayBuffer[] {
  const memory = new Set<ArrayBuffer>();
  for (const piece of read.pieces) {
    for (const part of piece.parts) memory.add(part.buffer as ArrayBuffer);
    for (const lines of piece.lines) for (const buffer of lines.memory()) memory.add(buffer);
  }
  return [...memory];
}

const { path, start, end } = workerData as HalfToRead;
let answer: HalfRead;
try {
  answer = { read: await readOwnLayoutRange(path, { start, end, continues: true }) };
} catch (error) {
  answer =
    error instanceof SyntaxError
      ? { syntaxError: error.message }
      : { error: { message: (error as Error).message, code: (error as NodeJS.ErrnoException).code } };
}
parentPort?.postMessage(answer, 'read' in answer && answer.read !== undefined ? movedMemory(answer.read) : []);
