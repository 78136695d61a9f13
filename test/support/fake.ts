// A fake for one test: started in-process on port 0 with fresh state, with request helpers bound to it.
import type { TestContext } from 'node:test';
import { startFake, type FakeOptions } from '../../src/index.js';
import type { FakeServer, ServerDeps } from '../../src/server.js';
import { KEYS } from './fixture-keys.js';
import { call, type CallOptions, type Reply } from './http.js';

/** A running fake with helpers bound to it. `close()` may be called more than once. */
export interface TestFake extends FakeServer {
  call(method: string, path: string, options?: CallOptions): Promise<Reply>;
  /** POST /clients with the acme key (or `key`). */
  create(body: unknown, key?: string): Promise<Reply>;
}

/**
 * Starts a quiet fake on a free port. The caller closes it; prefer {@link withFake} in a test.
 *
 * @example
 * before(async () => { fake = await startTestFake({ seed: 'none' }); });
 * after(() => fake.close());
 */
export async function startTestFake(options: FakeOptions = {}, deps: ServerDeps = {}): Promise<TestFake> {
  const server = await startFake({ logLevel: 'silent', ...options }, deps);
  const close = server.close.bind(server);
  let closing: Promise<void> | undefined;
  return Object.assign(server, {
    call: (method: string, path: string, opts?: CallOptions) => call(server.url, method, path, opts),
    create: (body: unknown, key: string = KEYS.acme) => call(server.url, 'POST', '/clients', { key, body }),
    close: () => (closing ??= close()),
  });
}

/**
 * Starts a fake for the test `t` and closes it when the test ends, passed or failed. Closing it
 * earlier (to read the store file, say) is fine.
 *
 * @example
 * it('creates', async (t) => {
 *   const fake = await withFake(t, { seed: 'none' });
 *   assert.equal((await fake.create({})).status, 201);
 * });
 */
export async function withFake(t: Pick<TestContext, 'after'>, options: FakeOptions = {}, deps: ServerDeps = {}): Promise<TestFake> {
  const fake = await startTestFake(options, deps);
  t.after(() => fake.close());
  return fake;
}
