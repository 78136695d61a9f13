// A webhook receiver for tests: a node:http server on port 0 that records every request and answers
// as the test says (204 by default), and counts the connections open at once.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { Webhook } from 'standardwebhooks';

/** One request the receiver got. */
export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** How the receiver answers a request; it may keep `res` open (a slow receiver). */
export type Answer = (res: ServerResponse, received: Received) => void;

/** A running receiver. */
export interface Receiver {
  /** Its URL, with the path `/hooks`. */
  readonly url: string;
  readonly received: Received[];
  /** The most connections that were open at once. */
  readonly maxOpenConnections: number;
  /** Answers every request from now on with `answer`. */
  answerWith(answer: Answer): void;
  /** Resolves with the `n`th request (1 for the first), once it has arrived whole. */
  nth(n: number): Promise<Received>;
  close(): Promise<void>;
}

/** Answers 204 with no body. */
export const NO_CONTENT: Answer = (res) => res.writeHead(204).end();

/**
 * Starts a receiver for test `t` (closed when the test ends).
 *
 * @example
 * const receiver = await startReceiver(t);
 * await fake.webhooks.create({ orgId: 'org_acme', url: receiver.url });
 */
export async function startReceiver(t: Pick<TestContext, 'after'>, answer: Answer = NO_CONTENT): Promise<Receiver> {
  const received: Received[] = [];
  const waiting = new Map<number, (r: Received) => void>();
  let current = answer;
  let open = 0;
  let maxOpen = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const entry: Received = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(entry);
      current(res, entry);
      waiting.get(received.length)?.(entry);
      waiting.delete(received.length);
    });
  });
  server.on('connection', (socket) => {
    open++;
    maxOpen = Math.max(maxOpen, open);
    socket.on('close', () => open--);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  t.after(close);
  return {
    url,
    received,
    get maxOpenConnections() {
      return maxOpen;
    },
    answerWith(next) {
      current = next;
    },
    nth(n) {
      const done = received[n - 1];
      if (done !== undefined) return Promise.resolve(done);
      return new Promise((resolve) => waiting.set(n, resolve));
    },
    close,
  };
}

/**
 * A URL where nothing listens (a port that was free a moment ago).
 *
 * @example
 * await fake.webhooks.create({ orgId: 'org_acme', url: await downUrl() });
 */
export async function downUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/hooks`;
}

/**
 * Verifies a received delivery with the `standardwebhooks` library (never the fake's own code)
 * and answers the payload it carries; throws when the signature does not match.
 *
 * @example
 * const payload = verified(secret, await receiver.nth(1));
 */
export function verified(secret: string, received: Received): unknown {
  return new Webhook(secret).verify(received.body, received.headers as Record<string, string>);
}
