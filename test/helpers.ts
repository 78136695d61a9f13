// Shared test helpers: start a fake on port 0 and talk to it over HTTP.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFake, type FakeOptions } from '../src/index.js';
import type { FakeServer, ServerDeps } from '../src/server.js';

export const KEYS = {
  acme: 'ath_test_acme_7Kq2mV9xR4tLp8Zc',
  globex: 'ath_test_globex_3Nf6wB1yH5jD0sQe',
  revoked: 'ath_test_revoked_9Xv4kT2mP7cR1bWa',
} as const;

/** The two starting clients of fixtures/clients.json (both org_acme). */
export const SEEDED_IDS = ['clt_01ke6qvwe0mc8vacm19w6xg3jk', 'clt_01ke6qxq10n8ra9cjhtpd0h1kd'] as const;

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/** Sends one request; `body` is JSON-encoded unless it is already a string. */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: { key?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key !== undefined) headers['X-Api-Key'] = options.key;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['Content-Type'] ??= 'application/json';
  }
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** A fake for one test, with helpers bound to it. Close it in `after`/`t.after`. */
export interface TestFake extends FakeServer {
  call(method: string, path: string, options?: Parameters<typeof call>[3]): Promise<Reply>;
  /** POST /clients with the acme key (or `key`). */
  create(body: unknown, key?: string): Promise<Reply>;
}

export async function startTestFake(options: FakeOptions = {}, deps: ServerDeps = {}): Promise<TestFake> {
  const server = await startFake({ logLevel: 'silent', ...options }, deps);
  return Object.assign(server, {
    call: (method: string, path: string, opts?: Parameters<typeof call>[3]) => call(server.url, method, path, opts),
    create: (body: unknown, key: string = KEYS.acme) => call(server.url, 'POST', '/clients', { key, body }),
  });
}

const tempDirs: string[] = [];
process.once('exit', () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary folder, removed when the test file's process exits. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'athenty-fake-test-'));
  tempDirs.push(dir);
  return dir;
}

/** The envelope of a catalogue error, as tests expect it. */
export const ENVELOPES = {
  UNAUTHORIZED: { code: 'UNAUTHORIZED', message: 'Invalid API key.', statusCode: 401 },
  NOT_FOUND: { code: 'NOT_FOUND', message: 'Resource not found.', statusCode: 404 },
} as const;

/** The seeded magic keys (fixtures/api-keys.json). */
export const MAGIC_KEYS = {
  rateLimited: 'ath_test_ratelimited_5Hd8pQ2wE6zY4m',
  inactive: 'ath_test_inactive_8Rb1nF5tK3xW7vLc',
  noApiPlan: 'ath_test_noapiplan_2Gm7sJ4cV9qT6yNd',
} as const;

/** The real API's bodies of the documented errors. */
export const DOCUMENTED = {
  PAYMENT_REQUIRED: { code: 'PAYMENT_REQUIRED', message: 'Your subscription is inactive. Please resubscribe to use the API.', statusCode: 402 },
  FORBIDDEN: { code: 'FORBIDDEN', message: 'API access requires a Professional, Business, or Enterprise plan.', statusCode: 403 },
  RATE_LIMITED: { code: 'RATE_LIMITED', message: 'Too many requests', statusCode: 429 },
} as const;

/** The rate-limit headers of an answer. */
export function rateHeaders(headers: Headers): Record<string, string | null> {
  return {
    limit: headers.get('x-ratelimit-limit'),
    remaining: headers.get('x-ratelimit-remaining'),
    retryAfter: headers.get('retry-after'),
  };
}

/** Waits until `condition` holds, yielding to the event loop between checks (no timers). */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}
