// The request journal: what each API request sent and got, newest last, capped by count and by
// bytes (large bodies kept as a marker) so that neither a long run nor large bodies can exhaust
// memory or make the journal too large to answer.
import { parse as parseQueryString } from 'node:querystring';
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
  /** The parsed JSON body as sent; null without one; a {@link TruncatedBody} when it was large. */
  requestBody: unknown;
  /** The answer's headers, names in lower case; empty when no answer was sent. */
  responseHeaders: JournalHeaders;
  /**
   * The JSON body answered (a string for a malformed fault); null without one; a
   * {@link TruncatedBody} when it was large.
   */
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

/** What the journal keeps of a body larger than {@link JOURNAL_BODY_LIMIT}: its size only. */
export interface TruncatedBody {
  truncated: true;
  /** Its size in bytes (of its JSON, as sent or answered). */
  bytes: number;
}

/** The largest body, in bytes of JSON, the journal keeps as it is; a larger one becomes a {@link TruncatedBody}. */
export const JOURNAL_BODY_LIMIT = 64 * 1024;

/** What an entry costs besides its bodies and URL (its fields, in the journal and in an answer). */
const ENTRY_OVERHEAD_BYTES = 256;

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
  /** What it counts against the byte bound. */
  bytes: number;
}

/** A body as the journal keeps it: itself, or a marker when its `bytes` exceed the limit. */
function keptBody(body: unknown, bytes: number): unknown {
  return bytes > JOURNAL_BODY_LIMIT ? ({ truncated: true, bytes } satisfies TruncatedBody) : body;
}

/** About the bytes of headers as JSON: their names and values. */
function headerBytesOf(headers: Readonly<Record<string, string | string[] | number | undefined>>): number {
  let bytes = 0;
  for (const name in headers) {
    const value = headers[name];
    bytes += name.length + (Array.isArray(value) ? value.join(', ').length : String(value).length) + 6;
  }
  return bytes;
}

/** The bytes an entry counts: its bodies as kept, its URL, its headers and a fixed overhead. */
function sizeOf(request: RecordedRequest, requestBytes: number, responseBytes: number): number {
  const kept = (bytes: number): number => (bytes > JOURNAL_BODY_LIMIT ? 48 : bytes);
  return (
    kept(requestBytes) +
    kept(responseBytes) +
    request.url.length +
    headerBytesOf(request.requestHeaders) +
    headerBytesOf(request.responseHeaders) +
    ENTRY_OVERHEAD_BYTES
  );
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

/** How many entries and how many bytes of them the journal keeps. */
export interface JournalLimits {
  /** The most entries kept. */
  capacity: number;
  /** The most bytes kept (bodies as kept, URLs, and a fixed overhead per entry). */
  maxBytes: number;
}

/**
 * Keeps the newest requests, at most `capacity` of them and at most `maxBytes` (the newest is
 * always kept), in a queue that drops the oldest first.
 *
 * @example
 * const journal = new Journal({ capacity: 1000, maxBytes: 32 * 1024 * 1024 });
 * journal.select({ method: 'POST', path: '/clients' });
 */
export class Journal {
  readonly capacity: number;
  readonly maxBytes: number;
  /** Entries oldest first from `#head`; those before it were dropped and await compaction. */
  #slots: Slot[] = [];
  #head = 0;
  #bytes = 0;
  #nextSeq = 1;

  constructor({ capacity, maxBytes }: JournalLimits) {
    this.capacity = capacity;
    this.maxBytes = maxBytes;
  }

  /**
   * Adds a request whose bodies are `requestBytes` and `responseBytes` long (a body over
   * {@link JOURNAL_BODY_LIMIT} is kept as a marker), dropping the oldest beyond the limits.
   */
  add(request: RecordedRequest, requestBytes = 0, responseBytes = 0): void {
    const kept: RecordedRequest =
      requestBytes > JOURNAL_BODY_LIMIT || responseBytes > JOURNAL_BODY_LIMIT
        ? {
            ...request,
            requestBody: keptBody(request.requestBody, requestBytes),
            responseBody: keptBody(request.responseBody, responseBytes),
          }
        : request;
    const slot = { seq: this.#nextSeq++, request: kept, bytes: sizeOf(request, requestBytes, responseBytes) };
    this.#slots.push(slot);
    this.#bytes += slot.bytes;
    while (this.#slots.length - this.#head > 1 && (this.#slots.length - this.#head > this.capacity || this.#bytes > this.maxBytes)) {
      this.#bytes -= (this.#slots[this.#head] as Slot).bytes;
      this.#slots[this.#head++] = undefined as unknown as Slot;
    }
    // Dropped slots are cut off once they are half the array: amortised O(1) per entry.
    if (this.#head > 64 && this.#head * 2 > this.#slots.length) {
      this.#slots = this.#slots.slice(this.#head);
      this.#head = 0;
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
    this.#head = 0;
    this.#bytes = this.#slots.reduce((sum, slot) => sum + slot.bytes, 0);
    if (orgId === undefined) this.#nextSeq = 1;
  }

  #ordered(): Slot[] {
    return this.#slots.slice(this.#head);
  }
}
