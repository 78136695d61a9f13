// The HTTP server around the app: Node's timeouts for slow clients, connections that never send a
// request closed like idle ones, and a stop that takes no new request, closes idle connections at
// once and gives the requests in flight a short grace period before it ends every connection.
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ApiError } from '../errors.js';
import { answerClientError, answerConnect } from './client-errors.js';
import type { MessageClasses } from './message-classes.js';

/** How long a client may take; a slow or stuck client cannot hold a connection longer. */
export interface ServerTimeouts {
  /** Until the request headers are complete. */
  headersMs: number;
  /** Until the whole request (headers and body) is received; answers may take longer (fault delays). */
  requestMs: number;
  /** A connection with no request in progress (before its first, or after an answer) is closed after this. */
  keepAliveMs: number;
  /** How often Node checks the two request timeouts. */
  checkIntervalMs: number;
  /** On stop, how long the requests in flight may still take before their connections are ended. */
  graceMs: number;
}

/**
 * The defaults: generous for tests on a busy machine, short enough to shed stuck clients, and a
 * stop well inside the 10 s a container manager waits after SIGTERM.
 *
 * @example
 * startServer(config, { timeouts: { headersMs: DEFAULT_TIMEOUTS.headersMs * 2 } });
 */
export const DEFAULT_TIMEOUTS: ServerTimeouts = {
  headersMs: 10_000,
  requestMs: 30_000,
  keepAliveMs: 5_000,
  checkIntervalMs: 1_000,
  graceMs: 3_000,
};

/** A listening-ready server and the way to stop it. */
export interface HttpServer {
  readonly server: Server;
  /**
   * Stops: closes the listener and the idle connections at once, answers any further request on an
   * open connection with a 503 and `Connection: close`, lets the requests in flight finish within
   * `graceMs` (their answers close their connections), then ends every connection left. Resolves
   * once no connection is left; calling it again returns the same promise.
   */
  stop(): Promise<void>;
}

/**
 * Answers in the envelope a request the app never sees (the server is stopping, or Node turned
 * it down), and closes its connection.
 */
function answerBeforeApp(res: ServerResponse, kind: 'STOPPING' | 'EXPECTATION_FAILED'): void {
  const error = new ApiError(kind);
  const body = JSON.stringify(error.toEnvelope());
  res.writeHead(error.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    Connection: 'close',
  });
  res.end(body);
}

/**
 * Creates the server that serves `app` (not yet listening).
 *
 * @example
 * const { server, stop } = createHttpServer(fake.app, DEFAULT_TIMEOUTS, fake.messageClasses);
 * server.listen(0);
 * await stop();
 */
export function createHttpServer(app: RequestListener, timeouts: ServerTimeouts, messageClasses?: MessageClasses): HttpServer {
  // Connections that have not sent a request yet: Node's keep-alive timeout starts only after a
  // first answer, its header timeout only with a first byte, and it counts them as neither idle nor
  // busy, so without this such a connection would stay open for ever, even through a stop.
  // A byte received starts Node's header timeout, which then answers a client too slow with a 408.
  const fresh = new Map<Socket, NodeJS.Timeout>();
  const forget = (socket: Socket): void => {
    clearTimeout(fresh.get(socket));
    fresh.delete(socket);
  };
  const inFlight = new Set<ServerResponse>();
  let stopping: Promise<void> | undefined;

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    if (stopping !== undefined) {
      answerBeforeApp(res, 'STOPPING');
      return;
    }
    if (fresh.has(req.socket)) forget(req.socket);
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      // Its connection is idle now; a stopping server keeps none.
      if (stopping !== undefined) setImmediate(() => server.closeIdleConnections());
    });
    app(req, res);
  };

  const server = createServer(
    {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      keepAliveTimeout: timeouts.keepAliveMs,
      connectionsCheckingInterval: timeouts.checkIntervalMs,
      // The app answers a missing Host in the envelope; Node's own answer is a bare 400.
      requireHostHeader: false,
      ...messageClasses,
    },
    listener,
  );
  server.on('connection', (socket: Socket) => {
    // Decided after the event loop's poll phase: after a stall (a long store write, say) the timer
    // runs before the bytes that arrived meanwhile are read, and would close a connection in use.
    const idle = setTimeout(() => {
      setImmediate(() => {
        if (fresh.has(socket) && socket.bytesRead === 0) socket.destroy();
      });
    }, timeouts.keepAliveMs);
    fresh.set(socket, idle.unref());
    socket.once('close', () => forget(socket));
  });
  server.on('clientError', answerClientError);
  server.on('connect', answerConnect);
  // An Expect other than 100-continue: Node's own answer is a bare 417.
  server.on('checkExpectation', (_req: IncomingMessage, res: ServerResponse) => answerBeforeApp(res, 'EXPECTATION_FAILED'));

  return {
    server,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        const grace = setTimeout(() => server.closeAllConnections(), timeouts.graceMs);
        server.close(() => {
          clearTimeout(grace);
          resolve();
        });
        server.closeIdleConnections();
        for (const socket of fresh.keys()) if (socket.bytesRead === 0) socket.destroy();
        for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      });
      return stopping;
    },
  };
}
