// The request journal: what each API request sent and got, newest last, capped so a long run
// cannot exhaust memory.
import { parse as parseQueryString } from 'node:querystring';
import type { RequestHandler } from 'express';
import type { Clock } from '../clock.js';
import { contextOf } from '../http/context.js';
import { compilePathPattern } from '../http/path-pattern.js';

/** Header names and values; a repeated response header keeps its values in a list. */
export type JournalHeaders = Record<string, string | string[]>;

/** One journaled request. */
export interface JournalEntry {
  /** `req_` and the entry's sequence number (the `after` cursor). */
  id: string;
  /** When it arrived, by the fake's clock. */
  at: string;
  method: string;
  path: string;
  query: Record<string, unknown>;
  /** The answer's status; 0 when none was sent (a reset or hang fault, a client that gave up). */
  status: number;
  orgId: string | null;
  /** The presented X-Api-Key, masked to its last 4 characters. */
  apiKey: string | null;
  /** The request's headers, names in lower case; the API key and any credentials masked. */
  requestHeaders: JournalHeaders;
  /** The parsed JSON body as sent; null without one. */
  requestBody: unknown;
  /** The answer's headers, names in lower case; empty when no answer was sent. */
  responseHeaders: JournalHeaders;
  /** The JSON body answered (a string for a malformed fault); null without one. */
  responseBody: unknown;
  durationMs: number;
  /** Id of the fault rule that fired, if one did. */
  fault: string | null;
}

/** Which entries to list or count. */
export interface JournalFilter {
  method?: string;
  path?: string;
  status?: number;
  orgId?: string;
  /** ISO 8601 instant: entries at or after it. */
  since?: string;
  /** Only entries after this sequence number (the N of `req_N`): a cursor for polling. */
  after?: number;
  /** The newest N entries (listing only). */
  limit?: number;
}

/** Headers whose values are credentials: the journal shows their last 4 characters only. */
const MASKED_HEADERS = new Set(['x-api-key', 'authorization', 'cookie', 'set-cookie']);

function maskHeaders(headers: Readonly<Record<string, string | string[] | number | undefined>>): JournalHeaders {
  const masked: JournalHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = typeof value === 'number' ? String(value) : value;
    if (!MASKED_HEADERS.has(name)) masked[name] = text;
    else masked[name] = Array.isArray(text) ? text.map(maskApiKey) : maskApiKey(text);
  }
  return masked;
}

/** Shows only the last 4 characters of a key; short keys not at all. */
export function maskApiKey(key: string): string {
  return key.length >= 8 ? `****${key.slice(-4)}` : '****';
}

/**
 * What the middleware keeps of a request: cheap to take on the request path; turned into a
 * {@link JournalEntry} (id, ISO time, path and query) only when someone reads the journal.
 */
export type RecordedRequest = Omit<JournalEntry, 'id' | 'at' | 'path' | 'query' | 'requestHeaders' | 'responseHeaders'> & {
  atMs: number;
  /** The original URL, path and query. */
  url: string;
  /** The headers as node keeps them, masked when read. */
  requestHeaders: Readonly<Record<string, string | string[] | undefined>>;
  responseHeaders: Readonly<Record<string, string | string[] | number | undefined>>;
};

interface Slot {
  seq: number;
  request: RecordedRequest;
}

function toEntry({ seq, request }: Slot): JournalEntry {
  const queryAt = request.url.indexOf('?');
  return {
    id: `req_${seq}`,
    at: new Date(request.atMs).toISOString(),
    method: request.method,
    path: queryAt === -1 ? request.url : request.url.slice(0, queryAt),
    // The same parser as express's 'simple' query parser: repeated names become arrays.
    query: queryAt === -1 ? {} : { ...parseQueryString(request.url.slice(queryAt + 1)) },
    status: request.status,
    orgId: request.orgId,
    apiKey: request.apiKey,
    requestHeaders: maskHeaders(request.requestHeaders),
    requestBody: request.requestBody,
    responseHeaders: maskHeaders(request.responseHeaders),
    responseBody: request.responseBody,
    durationMs: request.durationMs,
    fault: request.fault,
  };
}

/**
 * Keeps the last `capacity` requests in a ring buffer.
 *
 * @example
 * const journal = new Journal(1000);
 * journal.select({ method: 'POST', path: '/clients' });
 */
export class Journal {
  readonly capacity: number;
  #slots: Slot[] = [];
  #start = 0;
  #nextSeq = 1;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** Adds a request, dropping the oldest when full. */
  add(request: RecordedRequest): void {
    const slot = { seq: this.#nextSeq++, request };
    if (this.#slots.length < this.capacity) {
      this.#slots.push(slot);
    } else {
      this.#slots[this.#start] = slot;
      this.#start = (this.#start + 1) % this.capacity;
    }
  }

  /** The entries `filter` selects, oldest first. */
  select(filter: JournalFilter = {}): JournalEntry[] {
    const matchesPath = filter.path === undefined ? undefined : compilePathPattern(filter.path);
    const method = filter.method?.toUpperCase();
    const since = filter.since === undefined ? undefined : Date.parse(filter.since);
    const after = filter.after ?? 0;
    // Entries are in sequence order: those after the cursor are a tail, found without building the rest.
    const slots = this.#ordered();
    let first = slots.length;
    while (first > 0 && (slots[first - 1] as Slot).seq > after) first--;
    const selected = slots
      .slice(first)
      .map(toEntry)
      .filter(
        (e) =>
          (method === undefined || e.method === method) &&
          (matchesPath === undefined || matchesPath(e.path)) &&
          (filter.status === undefined || e.status === filter.status) &&
          (filter.orgId === undefined || e.orgId === filter.orgId) &&
          (since === undefined || Date.parse(e.at) >= since),
      );
    return filter.limit === undefined ? selected : selected.slice(-filter.limit);
  }

  /** Empties the journal, or removes one organisation's entries. */
  clear(orgId?: string): void {
    this.#slots = orgId === undefined ? [] : this.#ordered().filter((slot) => slot.request.orgId !== orgId);
    this.#start = 0;
    if (orgId === undefined) this.#nextSeq = 1;
  }

  #ordered(): Slot[] {
    return [...this.#slots.slice(this.#start), ...this.#slots.slice(0, this.#start)];
  }
}

/** What the journal middleware records besides the request itself. */
export interface JournalRecorderDeps {
  journal: Journal;
  clock: Clock;
  /** Monotonic milliseconds, for durations. */
  monotonicNow?: () => number;
  /** Paths not to journal. */
  skip?: (path: string) => boolean;
}

/** Records every request (but those `skip` names) once its answer is done or the connection is gone. */
export function recordRequests({
  journal,
  clock,
  monotonicNow = () => performance.now(),
  skip = () => false,
}: JournalRecorderDeps): RequestHandler {
  return (req, res, next) => {
    if (skip(req.path)) {
      next();
      return;
    }
    const started = monotonicNow();
    const atMs = clock.now();
    const presented = req.headers['x-api-key'];
    res.once('close', () => {
      const { apiKey, responseBody, faultId } = contextOf(res);
      const sent = res.headersSent;
      journal.add({
        atMs,
        method: req.method,
        url: req.originalUrl,
        status: sent ? res.statusCode : 0,
        orgId: apiKey?.orgId ?? null,
        apiKey: typeof presented === 'string' ? maskApiKey(presented) : null,
        requestHeaders: req.headers,
        requestBody: req.body ?? null,
        responseHeaders: sent ? res.getHeaders() : {},
        responseBody: responseBody ?? null,
        durationMs: Math.round((monotonicNow() - started) * 1000) / 1000,
        fault: faultId ?? null,
      });
    });
    next();
  };
}
