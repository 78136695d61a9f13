// One dispatcher for every resource's operations, at the root and under /v2/api: it tells an API
// path from any other, runs the shared stages (authentication, injected failures, rate limit) once,
// then checks the input against the operation's schemas and calls its handler. Paths are matched
// by find-my-way; 404 and 405 (with `Allow`) come from the same operation tables.
import type { RequestHandler } from 'express';
import FindMyWay from 'find-my-way';
import { apiKeyOf } from '../auth/authenticate.js';
import { ApiError } from '../errors.js';
import { contextOf } from '../http/context.js';
import { compose } from '../http/compose.js';
import { sendJson } from '../http/respond.js';
import { bodyCheckFor, checkFor, coerceQueryFor, type Check } from '../validation/validator.js';
import { servedPaths, type Operation, type OperationMethod, type RunningResource } from './resource.js';

/** Where the API is served: the root, and the real API's base path. */
export const API_BASES = ['', '/v2/api'] as const;

/** An operation with its checks compiled once. */
interface Dispatchable {
  operation: Operation<unknown>;
  checkBody: Check | undefined;
  readQuery: QueryReader | undefined;
}

/** Turns a raw query into an operation's checked query, or throws VALIDATION_ERROR. */
export type QueryReader = (raw: Record<string, unknown>) => Record<string, unknown>;

/**
 * The reader of a query schema: numbers converted as the schema says, then checked (defaults filled in).
 *
 * @example
 * queryReaderFor('client-list-query.schema.json')({ page: '2' }); // { page: 2, limit: 20 }
 */
export function queryReaderFor(schema: string): QueryReader {
  const toQuery = coerceQueryFor(schema);
  const checkQuery = checkFor(schema);
  return (raw) => {
    const query = toQuery(raw);
    const errors = checkQuery(query);
    if (errors.length > 0) throw new ApiError('VALIDATION_ERROR', { errors });
    return query;
  };
}

/** A path of the API: its resource, and the operations it has by method (none for a deeper path). */
export interface ApiRoute {
  resource: RunningResource;
  byMethod: ReadonlyMap<string, Dispatchable>;
  /** The `Allow` header of a 405. */
  allow: string;
}

/** What the dispatcher found for a request path (kept in the request context). */
export interface MatchedRoute {
  route: ApiRoute;
  params: Readonly<Record<string, string | undefined>>;
  /** The path has a percent-encoding that does not decode. */
  badEncoding: boolean;
}

/** Everything below an operation's first path segment is an API path (`/clients/*`), routed or not. */
function wildcardOf(path: string): string {
  const first = path.split('/')[1] ?? '';
  return `/${first}/*`;
}

/** The router of every operation path, at each base, and of the wildcards below them. */
function buildRouter(resources: readonly RunningResource[], strict: boolean): FindMyWay.Instance<FindMyWay.HTTPVersion.V1> {
  const router = FindMyWay({
    // express's own routes are case-insensitive, and the fake has always matched its paths so.
    caseSensitive: false,
    ignoreTrailingSlash: true,
    // Ids of any length reach the handler, which answers 404 for an unknown one.
    maxParamLength: Number.MAX_SAFE_INTEGER,
  });
  const noop = (): void => undefined;
  for (const resource of resources) {
    const byPath = new Map<string, Map<string, Dispatchable>>();
    for (const operation of resource.module.operations as readonly Operation<unknown>[]) {
      let byMethod = byPath.get(operation.path);
      if (byMethod === undefined) {
        byMethod = new Map();
        byPath.set(operation.path, byMethod);
      }
      byMethod.set(operation.method, {
        operation,
        checkBody: operation.body === undefined ? undefined : bodyCheckFor(operation.body, strict),
        readQuery: operation.query === undefined ? undefined : queryReaderFor(operation.query),
      });
    }
    const wildcards = new Set<string>();
    for (const [path, byMethod] of byPath) {
      const methods = [...byMethod.keys()] as OperationMethod[];
      const allow = [...methods, ...(methods.includes('GET') ? ['HEAD'] : [])].sort().join(', ');
      const route: ApiRoute = { resource, byMethod, allow };
      for (const served of servedPaths(resource.module, path)) {
        for (const base of API_BASES) router.on('GET', `${base}${served}`, noop, route);
        wildcards.add(wildcardOf(served));
      }
    }
    for (const wildcard of wildcards) {
      const route: ApiRoute = { resource, byMethod: new Map(), allow: '' };
      for (const base of API_BASES) router.on('GET', `${base}${wildcard}`, noop, route);
    }
  }
  return router;
}

/** The options of {@link createApiDispatcher}. */
export interface ApiDispatcherOptions {
  resources: readonly RunningResource[];
  /** Reject unknown and read-only body keys (the strict variants of body schemas). */
  strict: boolean;
  /** What runs for every API path before its operation (authentication, faults, rate limit). */
  stages: readonly RequestHandler[];
}

/** The body as the validator may fill it (defaults), on a copy: the journal keeps what was sent. */
function copyOfBody(body: unknown): unknown {
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? { ...body } : body;
}

/**
 * The API's middleware: requests to a resource path go through `stages` and their operation;
 * every other request goes on to the next middleware.
 *
 * @example
 * app.use(createApiDispatcher({ resources, strict: false, stages: [authenticate(keys), faults.middleware] }));
 */
export function createApiDispatcher({ resources, strict, stages }: ApiDispatcherOptions): RequestHandler {
  const router = buildRouter(resources, strict);

  const dispatch: RequestHandler = async (req, res) => {
    const matched = contextOf(res).route as MatchedRoute;
    if (matched.badEncoding) throw new ApiError('BAD_REQUEST', { message: 'The path is not valid URL encoding.' });
    const { route } = matched;
    const dispatchable = route.byMethod.get(req.method === 'HEAD' ? 'GET' : req.method);
    if (dispatchable === undefined) {
      if (route.byMethod.size === 0) throw new ApiError('NOT_FOUND');
      throw new ApiError('METHOD_NOT_ALLOWED', { headers: { Allow: route.allow } });
    }
    const { operation, checkBody, readQuery } = dispatchable;
    let body: unknown;
    if (checkBody !== undefined) {
      body = copyOfBody(req.body);
      const errors = checkBody(body);
      if (errors.length > 0) throw new ApiError('VALIDATION_ERROR', { errors });
    }
    const query = readQuery === undefined ? {} : readQuery(req.query as Record<string, unknown>);
    const result = await operation.handle(route.resource.instance.api, {
      orgId: apiKeyOf(res).orgId,
      params: matched.params as Record<string, string>,
      query,
      body,
      path: req.path.replace(/\/+$/, ''),
    });
    for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
    sendJson(res, operation.status, result.body, result.json);
  };

  const api = compose(...stages, dispatch);

  return (req, res, next) => {
    const path = req.path;
    let found = router.find('GET', path);
    let badEncoding = false;
    if (found === null) {
      // find-my-way finds nothing when a parameter does not decode: with every % escaped it
      // decodes, and a match then means an API path with a bad encoding (400 after authentication).
      found = path.includes('%') ? router.find('GET', path.replaceAll('%', '%25')) : null;
      badEncoding = found !== null;
    }
    if (found === null) {
      next();
      return;
    }
    contextOf(res).route = { route: found.store as ApiRoute, params: found.params, badEncoding };
    return api(req, res, next);
  };
}
