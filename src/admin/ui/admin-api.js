// The admin API as the page calls it: the same routes every other client uses, with the admin
// token (when the fake has one) as `Authorization: Bearer`, kept in this tab's session storage.

const TOKEN_KEY = 'athenty-fake-admin-token';

/** An admin call the fake answered with an error envelope. */
export class AdminError extends Error {
  constructor(status, body, token) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
    /** The token the call carried (null for none). */
    this.token = token;
  }
}

/** The token the next calls carry, or null. */
export function currentToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Takes a token from the address's `#token=` (never sent to the server) into session storage. */
export function takeTokenFromAddress() {
  const match = /^#token=(.+)$/.exec(window.location.hash);
  if (match === null) return;
  sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
  history.replaceState(null, '', window.location.pathname + window.location.search);
}

/** Keeps a token for the next calls. */
export function setToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

/**
 * Calls one admin route under /__admin: answers the parsed JSON body (undefined for 204), or throws
 * an AdminError.
 *
 * @example
 * const { faults } = await admin('GET', '/faults');
 */
export async function admin(method, path, { query, body } = {}) {
  const headers = {};
  const token = currentToken();
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined && value !== '') search.set(name, String(value));
  const text = search.toString();
  const res = await fetch(`/__admin${path}${text === '' ? '' : `?${text}`}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  });
  const raw = await res.text();
  const parsed = raw === '' ? undefined : JSON.parse(raw);
  if (!res.ok) throw new AdminError(res.status, parsed, token);
  return parsed;
}
