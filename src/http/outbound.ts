// Requests the fake sends out (webhook deliveries): over a bounded pool of keep-alive sockets, with
// a timeout on the whole answer, never following a redirect, keeping at most the first bytes of
// the answer's body; close() ends every request in flight at once.
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** How requests go out. */
export interface OutboundOptions {
  /** How long a whole answer (status, headers and body) may take, in real milliseconds. */
  timeoutMs: number;
  /** Sockets open at most, over every host: the most requests in flight at once. */
  maxSockets: number;
  /** Bytes of an answer's body kept (the rest is read and dropped). */
  keepBodyBytes: number;
}

/**
 * The defaults: a 10 s timeout, 16 sockets, the first 4 KB of a body.
 *
 * @example
 * createOutboundHttp({ ...DEFAULT_OUTBOUND, timeoutMs: 200 });
 */
export const DEFAULT_OUTBOUND: OutboundOptions = { timeoutMs: 10_000, maxSockets: 16, keepBodyBytes: 4096 };

/** What became of one request: the status when an answer came, or the error that ended it. */
export interface OutboundResult {
  /** The answer's status code; `null` when none came. */
  status: number | null;
  /** What went wrong (refused, reset, timed out, cut short), or `null` when the whole answer came. */
  error: string | null;
  /** The first `keepBodyBytes` of the body, as UTF-8 text. */
  body: string;
  /** Real milliseconds from sending to the end of the answer (or the error). */
  durationMs: number;
}

/** Sends requests out of the fake. */
export interface OutboundHttp {
  /** The most requests it has in flight at once (its sockets); more wait for one to end. */
  readonly capacity: number;
  /** POSTs `body` to `url` with `headers`; never rejects: a failure is a result with its error. */
  post(url: string, headers: Record<string, string>, body: string): Promise<OutboundResult>;
  /** Ends every request in flight (their results say so) and closes the sockets. */
  close(): void;
}

/**
 * Whether a request succeeded: a 2xx answer that came whole, in time.
 *
 * @example
 * isSuccess(await outbound.post(url, headers, body)); // true for a 204
 */
export function isSuccess(result: OutboundResult): boolean {
  return result.error === null && result.status !== null && result.status >= 200 && result.status < 300;
}

function errorText(error: NodeJS.ErrnoException): string {
  return error.code !== undefined && !error.message.includes(error.code) ? `${error.message} (${error.code})` : error.message;
}

/**
 * Creates the outbound HTTP client over node:http's agents (keep-alive, bounded sockets).
 *
 * @example
 * const outbound = createOutboundHttp(DEFAULT_OUTBOUND);
 * const result = await outbound.post('http://127.0.0.1:9000/hook', { 'content-type': 'application/json' }, '{}');
 * if (result.error === null && result.status === 204) console.log('delivered');
 */
export function createOutboundHttp(options: OutboundOptions): OutboundHttp {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets, maxTotalSockets: options.maxSockets };
  const agents = { http: new HttpAgent(agentOptions), https: new HttpsAgent(agentOptions) };
  const inFlight = new Set<ClientRequest>();
  let closed = false;

  const once = (target: URL, headers: Record<string, string>, body: string): Promise<OutboundResult & { retry?: boolean }> =>
    new Promise((resolve) => {
      const started = performance.now();
      const secure = target.protocol === 'https:';
      let status: number | null = null;
      let kept = Buffer.alloc(0);
      let settled = false;
      const finish = (error: string | null, retry = false): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        inFlight.delete(req);
        resolve({ status, error, body: kept.toString('utf8'), durationMs: performance.now() - started, retry });
      };
      const req = (secure ? httpsRequest : httpRequest)(target, {
        method: 'POST',
        agent: secure ? agents.https : agents.http,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      });
      inFlight.add(req);
      const timer = setTimeout(() => req.destroy(new Error(`no whole answer within ${options.timeoutMs} ms`)), options.timeoutMs);
      req.on('response', (res: IncomingMessage) => {
        status = res.statusCode ?? null;
        res.on('data', (chunk: Buffer) => {
          if (kept.length < options.keepBodyBytes) kept = Buffer.concat([kept, chunk.subarray(0, options.keepBodyBytes - kept.length)]);
        });
        res.on('end', () => finish(null));
        res.on('aborted', () => finish('the connection closed before the whole answer came'));
        res.on('error', (error: NodeJS.ErrnoException) => finish(errorText(error)));
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        // A kept-alive socket the receiver closed as this request went out: worth one fresh try.
        finish(errorText(error), status === null && req.reusedSocket && error.code === 'ECONNRESET' && !closed);
      });
      req.on('close', () => finish('the connection closed before the whole answer came'));
      req.end(body);
    });

  return {
    capacity: options.maxSockets,
    async post(url, headers, body) {
      if (closed) return { status: null, error: 'the fake is closing', body: '', durationMs: 0 };
      const target = new URL(url);
      let result = await once(target, headers, body);
      if (result.retry) result = await once(target, headers, body);
      return { status: result.status, error: result.error, body: result.body, durationMs: result.durationMs };
    },
    close() {
      closed = true;
      for (const req of inFlight) req.destroy(new Error('the fake is closing'));
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
