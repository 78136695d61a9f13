// The admin API over HTTP, for suites that run the fake as a separate process or container.
import type { ErrorEnvelope } from '../errors.js';
import { adminPathOf, buildAdminHandle, type FakeAdmin } from './handle.js';
import type { AdminOperationTree } from './operations.js';

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
export type RemoteFake = FakeAdmin & { readonly url: string };

function queryString(params: Record<string, unknown> = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) search.set(name, String(value));
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/**
 * A handle on a running fake's admin API for these operations (see connectFake for the fake's own).
 * Throws when `url` is the API's base path (`.../v2/api`) rather than the fake's URL.
 *
 * @example
 * const fake = connectAdmin(adminOperationTree(RESOURCES), 'http://127.0.0.1:4010');
 */
export function connectAdmin(tree: AdminOperationTree, url: string, options: ConnectOptions = {}): RemoteFake {
  const base = url.replace(/\/+$/, '');
  // The API's base path is what an integration is configured with, so it is the likely mistake; the
  // admin API under it would answer every call with a bare 404.
  const apiBase = /\/v2\/api$/i.exec(base);
  if (apiBase !== null) {
    const fakeUrl = base.slice(0, apiBase.index);
    throw new Error(
      `connectFake(${JSON.stringify(url)}): give the fake's own URL (${fakeUrl}), not the API's base path /v2/api: the admin API is at ${fakeUrl}/__admin`,
    );
  }
  const handle = buildAdminHandle(tree, async (operation, input) => {
    const request = operation.toHttp(input);
    const headers: Record<string, string> = {};
    if (options.adminToken !== undefined) headers.Authorization = `Bearer ${options.adminToken}`;
    if (request.body !== undefined) headers['Content-Type'] = 'application/json';
    const path = `/__admin${adminPathOf(operation, request)}${queryString(request.query)}`;
    const res = await fetch(`${base}${path}`, {
      method: operation.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
    });
    const text = await res.text();
    const parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
    if (!res.ok) throw new FakeAdminError(res.status, parsed as ErrorEnvelope | undefined, `${operation.method} ${path}`);
    return parsed;
  });
  return Object.assign(handle, { url: base });
}
