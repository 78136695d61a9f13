// Talking to a fake over fetch: one request in, status, headers and the parsed body out.

/** An answer read through fetch. */
export interface Reply {
  status: number;
  headers: Headers;
  /** The body parsed as JSON, or `undefined` when it is empty or not JSON. */
  body: any;
  text: string;
}

/** What {@link call} sends besides the method and path. */
export interface CallOptions {
  /** Sent as `X-Api-Key`. */
  key?: string;
  /** JSON-encoded unless it is already a string, or a stream (sent chunked, as it is). */
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * Sends one request; `body` is JSON-encoded (with `Content-Type: application/json`) unless it is
 * already a string.
 *
 * @example
 * const res = await call(fake.url, 'GET', '/clients', { key: KEYS.acme });
 */
export async function call(baseUrl: string, method: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key !== undefined) headers['X-Api-Key'] = options.key;
  let body: string | ReadableStream | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' || options.body instanceof ReadableStream ? options.body : JSON.stringify(options.body);
    headers['Content-Type'] ??= 'application/json';
  }
  // A stream is sent as it is read (undici needs `duplex` said).
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body, ...(body instanceof ReadableStream ? { duplex: 'half' } : {}) });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/**
 * The rate-limit headers of an answer (`null` where one is missing).
 *
 * @example
 * assert.deepEqual(rateHeaders(res.headers), { limit: '3', remaining: '2', retryAfter: null });
 */
export function rateHeaders(headers: Headers): Record<string, string | null> {
  return {
    limit: headers.get('x-ratelimit-limit'),
    remaining: headers.get('x-ratelimit-remaining'),
    retryAfter: headers.get('retry-after'),
  };
}
