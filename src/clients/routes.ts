// The HTTP face of the clients service: where its paths are, and thin handlers that pass data in
// and send what comes back.
import type { Request, RequestHandler, Response } from 'express';
import { apiKeyOf } from '../auth/authenticate.js';
import { ApiError } from '../errors.js';
import { sendJson } from '../http/respond.js';
import type { ClientsService } from './service.js';

/** Where the clients API is served: the root, and the real API's base path. */
export const CLIENTS_BASES = ['/clients', '/v2/api/clients'] as const;

/** A request path split at the clients base it is under: `/v2/api/clients/x` is `/v2/api/clients` + `/x`. */
export interface ClientsPath {
  /** As the client wrote it (case kept), for the Location header. */
  base: string;
  /** `/` for the collection, `/{id}` for one client. */
  rest: string;
}

/** The clients base `path` is under (matched case-insensitively, as express routes are), if any. */
export function clientsPathOf(path: string): ClientsPath | undefined {
  const lower = path.toLowerCase();
  for (const base of CLIENTS_BASES) {
    if (lower === base || lower.startsWith(`${base}/`)) {
      return { base: path.slice(0, base.length), rest: path.slice(base.length) || '/' };
    }
  }
  return undefined;
}

/** `/{id}`: one path segment. */
const ONE_SEGMENT = /^\/([^/]+)\/?$/;

function idOf(rest: string): string | undefined {
  const encoded = ONE_SEGMENT.exec(rest)?.[1];
  if (encoded === undefined) return undefined;
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new ApiError('BAD_REQUEST', { message: 'The client id in the path is not valid URL encoding.' });
  }
}

function methodNotAllowed(allow: string): never {
  throw new ApiError('METHOD_NOT_ALLOWED', { headers: { Allow: allow } });
}

/**
 * The routes under each clients base, to run behind authentication: `POST /`, `GET /`, `GET /{id}`
 * (HEAD as GET), 405 for other methods, 404 (next) for deeper paths. A plain dispatch rather than
 * an express Router: the router's per-request matching showed up in the profile of the hot path,
 * and three routes need none of it.
 *
 * @example
 * const routes = createClientsRoutes(clients); // routes(req, res, next) for a path under /clients
 */
export function createClientsRoutes(clients: ClientsService): RequestHandler {
  const create = async (req: Request, res: Response, base: string): Promise<void> => {
    const { record, json } = await clients.create(apiKeyOf(res).orgId, req.body);
    res.setHeader('Location', `${base}/${record.id}`);
    sendJson(res, 201, record, json);
  };

  return (req, res, next) => {
    const { base, rest } = res.locals.clientsPath as ClientsPath;
    const reading = req.method === 'GET' || req.method === 'HEAD';
    if (rest === '/') {
      if (req.method === 'POST') return create(req, res, base);
      if (reading) return sendJson(res, 200, clients.list(apiKeyOf(res).orgId, req.query as Record<string, unknown>));
      return methodNotAllowed('GET, HEAD, POST');
    }
    const id = idOf(rest);
    if (id === undefined) return next();
    if (reading) return sendJson(res, 200, clients.get(apiKeyOf(res).orgId, id));
    return methodNotAllowed('GET, HEAD');
  };
}

/**
 * Runs `api` (authentication, failure injection, rate limit, routes) for requests under a clients
 * base, and lets every other request go on to the next middleware.
 */
export function forClientsPaths(api: RequestHandler): RequestHandler {
  return (req, res, next) => {
    const clientsPath = clientsPathOf(req.path);
    if (clientsPath === undefined) {
      next();
      return;
    }
    // For the routes at the end of `api`.
    res.locals.clientsPath = clientsPath;
    return api(req, res, next);
  };
}
