// One HTTP request at a time, with node:http (cheap, no lazy loading of fetch inside a measurement): its body kept, or only counted.
import { createReadStream } from 'node:fs';
import { request, type Agent, type OutgoingHttpHeaders } from 'node:http';

/** A finished answer. */
export interface Answer {
  status: number;
  body: string;
}

/** What to send. */
export interface OneRequest {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  headers?: OutgoingHttpHeaders;
  body?: string;
  /** A file sent as the body, streamed (for {@link countRequest}; an import larger than a string may be). */
  bodyFile?: string;
  /** A keep-alive agent to reuse connections; a new connection per request when omitted. */
  agent?: Agent;
}

/**
 * Sends one request to `baseUrl` and resolves with its status and body.
 *
 * @example
 * const { status } = await sendRequest('http://127.0.0.1:4010', { method: 'GET', path: '/__admin/health' });
 */
export function sendRequest(baseUrl: string, one: OneRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(one.path, baseUrl),
      { method: one.method, headers: one.headers ?? {}, agent: one.agent ?? false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(one.body);
  });
}

/** A finished answer whose body was counted, not kept. */
export interface CountedAnswer {
  status: number;
  bytes: number;
  /** From sending the request to the end of the body. */
  ms: number;
}

/**
 * Sends one request and resolves once its body has ended, timing it and counting the body's bytes
 * without keeping them (an export of a large store is larger than a string may be).
 *
 * @example
 * const { status, ms, bytes } = await countRequest(url, { method: 'GET', path: '/__admin/state', agent });
 */
export function countRequest(baseUrl: string, one: OneRequest): Promise<CountedAnswer> {
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    const req = request(
      new URL(one.path, baseUrl),
      { method: one.method, headers: one.headers ?? {}, agent: one.agent ?? false },
      (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, ms: performance.now() - startedAt }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (one.bodyFile === undefined) req.end(one.body);
    else createReadStream(one.bodyFile).on('error', reject).pipe(req);
  });
}
