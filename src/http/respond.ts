// Writes JSON answers: the one place a response body is serialised.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Response } from 'express';
import { contextOf } from './context.js';

/**
 * Sends `body` as JSON with `status` (`text`, when given, is its JSON, already made). The body is
 * kept in the request's context for the journal.
 *
 * @example
 * sendJson(res, 201, record);
 */
export function sendJson(res: Response, status: number, body: unknown, text = JSON.stringify(body)): void {
  contextOf(res).responseBody = body;
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** Bytes of JSON sent as one answer with its length; a larger answer is sent in chunks as it is made. */
const WHOLE_ANSWER_BYTES = 1 << 20;

/**
 * Sends JSON made in chunks (an answer that may be larger than one string can be). An answer of up
 * to a megabyte goes out whole, with its length, as {@link sendJson} sends it; a larger one in
 * chunked encoding. A chunk may be reused by its maker once the next is asked for: the next is
 * asked for only once the connection has taken it.
 *
 * @example
 * await sendJsonChunks(res, 200, ['{"clients":', '[]', '}']);
 */
export async function sendJsonChunks(res: Response, status: number, chunks: Iterable<Buffer | string>): Promise<void> {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  const iterator = chunks[Symbol.iterator]();
  // Copies: the maker reuses its buffer for the next chunk.
  const first: Buffer[] = [];
  let bytes = 0;
  for (let next = iterator.next(); ; next = iterator.next()) {
    if (next.done === true) {
      const whole = Buffer.concat(first);
      res.setHeader('Content-Length', whole.length);
      res.end(whole);
      return;
    }
    const chunk = Buffer.from(next.value);
    first.push(chunk);
    bytes += chunk.length;
    if (bytes > WHOLE_ANSWER_BYTES) break;
  }
  // A socket that keeps up takes each chunk at once, and its callback comes before the event loop
  // polls again: without a turn of the loop between chunks, the whole answer would be made while
  // every other request waited (about 100 ms for a million clients).
  const written = async (chunk: Buffer | string): Promise<void> => {
    await new Promise<void>((resolve) => {
      res.write(chunk, () => resolve());
    });
    await nextTurn();
  };
  try {
    for (const chunk of first) await written(chunk);
    for (let next = iterator.next(); next.done !== true && !res.destroyed; next = iterator.next()) await written(next.value);
    res.end();
  } finally {
    // Done, or stopped by a connection closed half-way: the maker lets go of what it held for the rest.
    iterator.return?.();
  }
}
