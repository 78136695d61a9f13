// Requests Node's HTTP parser rejects before express sees them (headers too large, malformed
// HTTP, too slow) still get the envelope, instead of Node's bare status line.
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError, type ErrorKind } from '../errors.js';

function kindOf(code: string | undefined): ErrorKind {
  if (code === 'HPE_HEADER_OVERFLOW') return 'HEADERS_TOO_LARGE';
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'REQUEST_TIMEOUT';
  return 'BAD_REQUEST';
}

/** Writes the envelope of `apiError` straight to the socket and closes it. */
function answerOnSocket(socket: Duplex, apiError: ApiError): void {
  const body = JSON.stringify(apiError.toEnvelope());
  const extra = Object.entries(apiError.headers ?? {})
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${apiError.status} ${STATUS_CODES[apiError.status]}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      extra +
      'Connection: close\r\n\r\n' +
      body,
  );
}

/**
 * The server's `clientError` listener: answers in the envelope and closes the connection.
 *
 * @example
 * server.on('clientError', answerClientError);
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  answerOnSocket(socket, new ApiError(kindOf(error.code)));
}

/**
 * The server's `connect` listener: a fake API is no proxy, so CONNECT gets a 405 envelope (Node
 * would otherwise drop the connection without a word).
 */
export function answerConnect(_req: unknown, socket: Duplex): void {
  answerOnSocket(socket, new ApiError('METHOD_NOT_ALLOWED', { headers: { Allow: 'GET, HEAD, POST, PUT, DELETE, OPTIONS' } }));
}
