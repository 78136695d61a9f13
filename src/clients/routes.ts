// The HTTP face of the clients service: thin handlers that pass data in and send what comes back.
import type { Request, RequestHandler, Response } from 'express';
import { apiKeyOf } from '../auth/authenticate.js';
import { ApiError } from '../errors.js';
import { sendJson } from '../http/respond.js';
import type { ClientsService } from './service.js';

/** `/{id}` under the mount point: one path segment. */
const ONE_SEGMENT = /^\/([^/]+)\/?$/;

function idOf(path: string): string | undefined {
  const encoded = ONE_SEGMENT.exec(path)?.[1];
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
 * The routes of `/clients`, to be mounted at `/clients` and `/v2/api/clients` behind authentication:
 * `POST /`, `GET /`, `GET /{id}` (HEAD as GET), 405 for other methods, 404 for deeper paths. A
 * plain dispatch rather than an express Router: the router's per-request matching showed up in the
 * profile of the hot path, and three routes need none of it.
 *
 * @example
 * app.use(['/clients', '/v2/api/clients'], authenticate(ring), createClientsRoutes(clients));
 */
export function createClientsRoutes(clients: ClientsService): RequestHandler {
  const create = async (req: Request, res: Response): Promise<void> => {
    const record = await clients.create(apiKeyOf(res).orgId, req.body);
    res.setHeader('Location', `${req.baseUrl}/${record.id}`);
    sendJson(res, 201, record);
  };

  return (req, res, next) => {
    const reading = req.method === 'GET' || req.method === 'HEAD';
    if (req.path === '/') {
      if (req.method === 'POST') return create(req, res);
      if (reading) return sendJson(res, 200, clients.list(apiKeyOf(res).orgId, req.query as Record<string, unknown>));
      return methodNotAllowed('GET, HEAD, POST');
    }
    const id = idOf(req.path);
    if (id === undefined) return next();
    if (reading) return sendJson(res, 200, clients.get(apiKeyOf(res).orgId, id));
    return methodNotAllowed('GET, HEAD');
  };
}
