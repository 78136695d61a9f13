// Path patterns of fault rules and journal filters: exact, or `*` for anything; the /v2/api prefix
// is optional on both sides.

const API_PREFIX = '/v2/api';

function withoutApiPrefix(path: string): string {
  return path === API_PREFIX || path.startsWith(`${API_PREFIX}/`) ? path.slice(API_PREFIX.length) || '/' : path;
}

/**
 * Compiles a path pattern once into a test.
 *
 * @example
 * const matches = compilePathPattern('/clients*');
 * matches('/v2/api/clients/clt_1'); // true
 */
export function compilePathPattern(pattern: string): (path: string) => boolean {
  if (pattern === '*') return () => true;
  const source = withoutApiPrefix(pattern)
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const regex = new RegExp(`^${source}$`);
  return (path) => regex.test(withoutApiPrefix(path));
}
