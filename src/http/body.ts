// Request bodies: JSON only, up to the configured size and nesting; anything else is answered in
// the envelope.
import express, { type RequestHandler } from 'express';
import { ApiError } from '../errors.js';

const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * How deep a body may nest. JSON.parse takes any depth, but serialising a very deep value
 * overflows the stack: such a body would be stored and then break every answer (and the file)
 * that includes it.
 */
export const MAX_BODY_DEPTH = 100;

function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Whether `value` nests deeper than `limit` objects or arrays; iterative, so any depth is safe. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop() as [unknown, number];
    if (node === null || typeof node !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(node)) {
      if (child !== null && typeof child === 'object') pending.push([child, depth + 1]);
    }
  }
  return false;
}

/**
 * Parses JSON bodies of any JSON value (a non-object body is the validator's to reject, as a 422),
 * and answers 415 for a body of another type, 413 at once for a body announced larger than the
 * limit (without waiting to read it), 400 for malformed JSON and for nesting deeper than
 * {@link MAX_BODY_DEPTH}.
 */
export function parseJsonBody(limitBytes: number): RequestHandler[] {
  const rejectAnnouncedOversize: RequestHandler = (req, _res, next) => {
    const length = Number(req.headers['content-length']);
    // body-parser would read (and drop) the whole announced body before answering.
    if (length > limitBytes) throw new ApiError('PAYLOAD_TOO_LARGE', { headers: { Connection: 'close' } });
    next();
  };
  const parse = express.json({ limit: limitBytes, strict: false, type: JSON_TYPES });
  const checkParsed: RequestHandler = (req, _res, next) => {
    if (req.body === undefined) {
      if (hasBody(req.headers)) throw new ApiError('UNSUPPORTED_MEDIA_TYPE');
    } else if (nestsDeeperThan(req.body, MAX_BODY_DEPTH)) {
      // Not kept for the journal either: the body is refused as a whole.
      req.body = undefined;
      throw new ApiError('BODY_TOO_DEEP');
    }
    next();
  };
  return [rejectAnnouncedOversize, parse, checkParsed];
}
