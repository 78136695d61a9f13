// Request bodies: JSON only, up to the configured size and nesting; anything else is answered in
// the envelope.
import express, { type Request, type RequestHandler } from 'express';
import { ApiError } from '../errors.js';
import { withoutByteOrderMark } from '../text-file.js';
import { JsonInParts } from './json-in-parts.js';

const JSON_TYPES = ['application/json', 'application/*+json'];
/** The limit of a body of any size: larger than a string can hold, so it is parsed as it arrives. */
export const ANY_SIZE = Number.POSITIVE_INFINITY;

/**
 * Whether a request is the common case this module reads itself: a JSON media type, no charset
 * or UTF-8, no Content-Encoding. Anything else (UTF-16, gzip, an odd charset) goes to express.json,
 * which decodes it or refuses it with the right error.
 */
function isPlainUtf8Json(headers: Record<string, string | string[] | undefined>): boolean {
  const type = headers['content-type'];
  if (typeof type !== 'string' || headers['content-encoding'] !== undefined) return false;
  const [media = '', ...params] = type.split(';');
  const name = media.trim().toLowerCase();
  if (name !== 'application/json' && !(name.startsWith('application/') && name.endsWith('+json'))) return false;
  return params.every((param) => {
    const [key = '', value = ''] = param.split('=');
    return key.trim().toLowerCase() !== 'charset' || /^"?utf-?8"?$/i.test(value.trim());
  });
}

/**
 * Requests whose body was read and held nothing (a chunked body of no bytes, or one that decodes
 * to nothing): the contract treats them as having no body at all (422 `Required`), not as `{}`.
 */
const emptyBodies = new WeakSet<Request>();

/**
 * Reads a plain UTF-8 JSON body as express.json would (a byte order mark is skipped, invalid UTF-8
 * becomes U+FFFD), with less machinery: body-parser's type checks, stream helpers and decoders
 * cost about 5% of a create. An empty body is no body, unlike express.json's `{}`. Without a limit
 * the body is parsed as it arrives ({@link JsonInParts}), never held as one string.
 */
function readPlainJson(limitBytes: number): RequestHandler {
  return (req, _res, next) => {
    if (!hasBody(req.headers) || !isPlainUtf8Json(req.headers)) {
      next();
      return;
    }
    const body = limitBytes === ANY_SIZE ? new JsonInParts() : new WholeJson(limitBytes);
    let done = false;
    let failure: unknown;
    const finish = (error?: unknown): void => {
      if (done) return;
      done = true;
      req.off('data', onData);
      next(error);
    };
    const onData = (chunk: Buffer): void => {
      if (failure !== undefined) return;
      try {
        body.write(chunk);
      } catch (error) {
        // Too large: answered at once (and the connection closed). Malformed: the rest is read and
        // dropped before the answer, as when the body is parsed at its end.
        if (error instanceof ApiError) finish(error);
        else failure = error;
      }
    };
    req.on('data', onData);
    req.once('error', () => finish(new ApiError('BAD_REQUEST')));
    req.once('end', () => {
      if (done) return;
      try {
        if (failure !== undefined) throw failure;
        const value = body.end();
        if (value === undefined) emptyBodies.add(req);
        else req.body = value;
      } catch (error) {
        finish(error instanceof ApiError ? error : new ApiError(error instanceof RangeError ? 'PAYLOAD_TOO_LARGE' : 'MALFORMED_JSON'));
        return;
      }
      finish();
    });
  };
}

/** A body held whole, up to a limit, and parsed at its end. */
class WholeJson {
  readonly #limitBytes: number;
  #chunks: Buffer[] = [];
  #size = 0;

  constructor(limitBytes: number) {
    this.#limitBytes = limitBytes;
  }

  write(chunk: Buffer): void {
    this.#size += chunk.length;
    if (this.#size > this.#limitBytes) throw new ApiError('PAYLOAD_TOO_LARGE', { headers: { Connection: 'close' } });
    this.#chunks.push(chunk);
  }

  /** The value; undefined for no bytes (a byte order mark at most). */
  end(): unknown {
    const text = withoutByteOrderMark(Buffer.concat(this.#chunks, this.#size)).toString('utf8');
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  }
}

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

/** Whether a body left unread (not JSON) turns out to hold no bytes, as a chunked body may. */
function endsEmpty(req: Request): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (empty: boolean): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      resolve(empty);
    };
    const onData = (chunk: Buffer): void => {
      if (chunk.length > 0) done(false);
    };
    const onEnd = (): void => done(true);
    const onError = (): void => done(false);
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onError);
  });
}

/**
 * Parses JSON bodies of any JSON value (a non-object body is the validator's to reject, as a 422),
 * and answers 415 for a body of another type, 413 at once for a body announced larger than the
 * limit (without waiting to read it), 400 for malformed JSON and for nesting deeper than
 * {@link MAX_BODY_DEPTH}. An empty body, whatever its type, is left undefined, as no body is.
 * `limitBytes` of {@link ANY_SIZE} reads a body of any size, parsed as it arrives. Requests that
 * `leaveUnread` says a later handler reads are passed on as they are.
 */
export function parseJsonBody(limitBytes: number, leaveUnread?: (req: Request) => boolean): RequestHandler[] {
  const rejectAnnouncedOversize: RequestHandler = (req, _res, next) => {
    const length = Number(req.headers['content-length']);
    // body-parser would read (and drop) the whole announced body before answering.
    if (length > limitBytes) throw new ApiError('PAYLOAD_TOO_LARGE', { headers: { Connection: 'close' } });
    next();
  };
  // Bodies the plain reader left unread (other charsets, compressed ones) go through body-parser.
  const parseOthers = express.json({
    limit: limitBytes,
    strict: false,
    type: JSON_TYPES,
    // Sees the decoded bytes: none means no body (body-parser would make it `{}`).
    verify: (req, _res, bytes) => {
      if (bytes.length === 0) emptyBodies.add(req as Request);
    },
  });
  const checkParsed: RequestHandler = (req, _res, next) => {
    if (emptyBodies.has(req)) {
      req.body = undefined;
    } else if (req.body === undefined) {
      if (hasBody(req.headers)) {
        return endsEmpty(req).then((empty) => {
          if (!empty) throw new ApiError('UNSUPPORTED_MEDIA_TYPE');
          next();
        });
      }
    } else if (nestsDeeperThan(req.body, MAX_BODY_DEPTH)) {
      // Not kept for the journal either: the body is refused as a whole.
      req.body = undefined;
      throw new ApiError('BODY_TOO_DEEP');
    }
    next();
  };
  const handlers = [rejectAnnouncedOversize, readPlainJson(limitBytes), parseOthers, checkParsed];
  if (leaveUnread === undefined) return handlers;
  // Each step asks (a method and a path compared; cheaper than running the steps as a composed one).
  return handlers.map(
    (handler): RequestHandler =>
      (req, res, next) =>
        leaveUnread(req) ? next() : handler(req, res, next),
  );
}
