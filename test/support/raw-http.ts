// HTTP helpers below fetch: raw request bytes over node:net, and JSON calls over a keep-alive node:http agent.
import { Agent, request } from 'node:http';
import { connect } from 'node:net';

/** A response read off the socket. */
export interface RawResponse {
  status: number;
  /** Header names in lower case; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** The body bytes (de-chunked). */
  body: Buffer;
  /** The body as UTF-8 text. */
  text: string;
  /** The body parsed as JSON, or `undefined` when it is empty or not JSON. */
  json: any;
}

/** Where the head of the response ends, or -1. */
function headEnd(buffer: Buffer): number {
  return buffer.indexOf('\r\n\r\n');
}

function parseHead(head: string): { status: number; headers: Record<string, string> } {
  const [statusLine = '', ...lines] = head.split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (match === null) throw new Error(`not an HTTP response: ${JSON.stringify(statusLine)}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { status: Number(match[1]), headers };
}

/** De-chunks a chunked body; `undefined` until the last chunk has arrived. */
function dechunk(data: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd === -1) return undefined;
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (Number.isNaN(size)) throw new Error('bad chunk size in response');
    if (size === 0) return Buffer.concat(parts);
    const start = lineEnd + 2;
    if (data.length < start + size + 2) return undefined;
    parts.push(data.subarray(start, start + size));
    at = start + size + 2;
  }
}

/** The complete response in `data`, or `undefined` when more bytes are needed (or the end of the stream decides). */
function completeResponse(data: Buffer, head: boolean, ended: boolean): RawResponse | undefined {
  const end = headEnd(data);
  if (end === -1) return undefined;
  const { status, headers } = parseHead(data.subarray(0, end).toString('latin1'));
  const rest = data.subarray(end + 4);
  let body: Buffer | undefined;
  if (head || status === 204 || status === 304 || (status >= 100 && status < 200)) body = Buffer.alloc(0);
  else if (headers['transfer-encoding']?.toLowerCase().includes('chunked')) body = dechunk(rest);
  else if (headers['content-length'] !== undefined) {
    const length = Number(headers['content-length']);
    body = rest.length >= length ? rest.subarray(0, length) : undefined;
  } else if (ended) body = rest;
  if (body === undefined) return undefined;
  const text = body.toString('utf8');
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status, headers, body, text, json };
}

/**
 * Writes `bytes` to the server at `baseUrl` as they are (no encoding, no header checks) and
 * resolves with the first response. Use it for what fetch refuses to send: odd header bytes, huge
 * headers, invalid UTF-8, broken framing. A reset after the response has arrived is not an error.
 *
 * @example
 * const res = await sendRaw(fake.url, 'GET /clients HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
 */
export function sendRaw(
  baseUrl: string,
  bytes: string | Buffer | readonly (string | Buffer)[],
  options: { head?: boolean } = {},
): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  const chunks = (Array.isArray(bytes) ? bytes : [bytes]) as (string | Buffer)[];
  const payload = Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c, 'latin1') : c)));
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let data = Buffer.alloc(0);
    let settled = false;
    const finish = (ended: boolean, error?: Error): void => {
      if (settled) return;
      let response: RawResponse | undefined;
      try {
        response = completeResponse(data, options.head ?? false, ended);
      } catch (parseError) {
        settled = true;
        socket.destroy();
        reject(parseError);
        return;
      }
      if (response !== undefined) {
        settled = true;
        socket.destroy();
        resolve(response);
      } else if (ended) {
        settled = true;
        socket.destroy();
        const got = data.length === 0 ? 'nothing' : JSON.stringify(data.toString('latin1').slice(0, 300));
        reject(new Error(`connection ${error ? `failed (${error.message})` : 'closed'} before a full response; got ${got}`));
      }
    };
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      finish(false);
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    // The server may answer and close while the request is still being written (a 413 or 431):
    // the answer already read is what counts.
    socket.on('error', (error) => finish(true, error));
    socket.write(payload);
  });
}

/** Builds a request head: the request line, `Host`, the given header lines, then `Connection: close`. */
export function rawHead(method: string, target: string, headerLines: readonly string[] = []): string {
  return `${method} ${target} HTTP/1.1\r\nHost: localhost\r\n${headerLines.map((h) => `${h}\r\n`).join('')}Connection: close\r\n\r\n`;
}

/** A JSON answer from {@link jsonRequest}. */
export interface JsonAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: any;
}

/**
 * A keep-alive agent for load: `maxSockets` connections at most, reused between requests.
 *
 * @example
 * const agent = keepAliveAgent(100);
 */
export function keepAliveAgent(maxSockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets });
}

/**
 * One request over node:http (cheaper than fetch under load): `body` is sent as it is when it is a
 * string, JSON-encoded otherwise, with `Content-Type: application/json`.
 *
 * @example
 * const res = await jsonRequest(url, 'POST', '/clients', { agent, key, body: { nameFirst: 'Jane' } });
 */
export function jsonRequest(
  baseUrl: string,
  method: string,
  path: string,
  options: { agent?: Agent; key?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<JsonAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key !== undefined) headers['X-Api-Key'] = options.key;
  let payload: Buffer | undefined;
  if (options.body !== undefined) {
    payload = Buffer.from(typeof options.body === 'string' ? options.body : JSON.stringify(options.body), 'utf8');
    headers['Content-Type'] ??= 'application/json';
    headers['Content-Length'] = String(payload.length);
  }
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, baseUrl), { method, headers, agent: options.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = text === '' ? undefined : JSON.parse(text);
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** A raw connection held open by a test: write to it when you like, and read what came back once it closed. */
export interface OpenConnection {
  write(bytes: string): void;
  /** Resolves, with every byte the server wrote (as latin1 text), once the connection has closed. */
  readonly closed: Promise<string>;
  /** Resolves once the server has written something. */
  readonly answered: Promise<void>;
}

/**
 * Opens a connection to the server at `baseUrl` and resolves once it is established.
 *
 * @example
 * const idle = await openConnection(fake.url);
 * await fake.close();
 * await idle.closed; // the server closed it
 */
export async function openConnection(baseUrl: string): Promise<OpenConnection> {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect({ host: hostname, port: Number(port) });
  let received = '';
  let onAnswer: () => void = () => {};
  const answered = new Promise<void>((resolve) => (onAnswer = resolve));
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('latin1');
    onAnswer();
  });
  // A reset closes it too; what was received is what counts.
  socket.on('error', () => {});
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(received)));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { write: (bytes) => socket.write(bytes, 'latin1'), closed, answered };
}
