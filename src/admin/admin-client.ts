// connectFake: the admin API over HTTP, for suites that run the fake as a separate process or container.
import type { ErrorEnvelope } from '../errors.js';
import type { JournalFilter } from '../journal/journal.js';
import type { FakeAdmin } from './handle.js';

/**
 * An admin call that the fake answered with an error envelope.
 *
 * @example
 * try {
 *   await connectFake(url).faults.add({});
 * } catch (error) {
 *   if (error instanceof FakeAdminError) console.log(error.status, error.body?.errors);
 * }
 */
export class FakeAdminError extends Error {
  readonly status: number;
  readonly body: ErrorEnvelope | undefined;

  constructor(status: number, body: ErrorEnvelope | undefined, what: string) {
    super(`${what}: ${status} ${body?.code ?? ''} ${body?.message ?? ''}`.trim());
    this.name = 'FakeAdminError';
    this.status = status;
    this.body = body;
  }
}

/** Options of {@link connectFake}. */
export interface ConnectOptions {
  /** The fake's --admin-token, if it has one. */
  adminToken?: string;
}

/** A fake reached over HTTP. */
export interface RemoteFake extends FakeAdmin {
  readonly url: string;
}

function queryString(params: Record<string, unknown>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) search.set(name, String(value));
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/**
 * Connects to a running fake's admin API.
 *
 * @example
 * import { connectFake } from 'athenty-fake';
 *
 * const fake = connectFake('http://127.0.0.1:4010', { adminToken: process.env.ATHENTY_FAKE_ADMIN_TOKEN });
 * await fake.reset({ orgId: 'org_acme' });
 * const posts = await fake.requests({ method: 'POST', path: '/clients' });
 */
export function connectFake(url: string, options: ConnectOptions = {}): RemoteFake {
  const base = url.replace(/\/+$/, '');
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const headers: Record<string, string> = {};
    if (options.adminToken !== undefined) headers.Authorization = `Bearer ${options.adminToken}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(`${base}/__admin${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
    if (!res.ok) throw new FakeAdminError(res.status, parsed as ErrorEnvelope | undefined, `${method} /__admin${path}`);
    return parsed as T;
  };
  const orgQuery = (options?: { orgId?: string }): string => queryString({ orgId: options?.orgId });

  return {
    url: base,
    reset: (opts) => call('POST', `/reset${orgQuery(opts)}`),
    requests: async (filter: JournalFilter = {}) =>
      (await call<{ requests: Awaited<ReturnType<FakeAdmin['requests']>> }>('GET', `/requests${queryString({ ...filter })}`)).requests,
    countRequests: async (match = {}) => (await call<{ count: number }>('POST', '/requests/count', match)).count,
    clearRequests: () => call('DELETE', '/requests'),
    faults: {
      add: (rule) => call('POST', '/faults', rule),
      list: async () => (await call<{ faults: Awaited<ReturnType<FakeAdmin['faults']['list']>> }>('GET', '/faults')).faults,
      remove: (id) => call('DELETE', `/faults/${encodeURIComponent(id)}`),
      clear: () => call('DELETE', '/faults'),
    },
    clock: {
      now: async () => (await call<{ now: string }>('GET', '/clock')).now,
      set: (iso, opts = {}) => call('PUT', '/clock', { now: iso, ...opts }),
      advance: (ms) => call('POST', '/clock/advance', { ms }),
    },
    state: {
      export: (opts) => call('GET', `/state${orgQuery(opts)}`),
      import: (data, opts) => call('PUT', `/state${orgQuery(opts)}`, data),
    },
    health: () => call('GET', '/health'),
  };
}
