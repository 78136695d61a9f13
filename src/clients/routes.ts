// The HTTP face of the clients service: thin handlers that pass data in and send what comes back.
import { Router, type RequestHandler } from 'express';
import { apiKeyOf } from '../auth/authenticate.js';
import { ApiError } from '../errors.js';
import { sendJson } from '../http/respond.js';
import type { ClientsService } from './service.js';

function methodNotAllowed(allow: string): RequestHandler {
  return () => {
    throw new ApiError('METHOD_NOT_ALLOWED', { headers: { Allow: allow } });
  };
}

/**
 * The routes of `/clients`, to be mounted at `/clients` and `/v2/api/clients` behind authentication.
 *
 * @example
 * app.use(['/clients', '/v2/api/clients'], authenticate(ring), createClientsRouter(clients));
 */
export function createClientsRouter(clients: ClientsService): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    const record = await clients.create(apiKeyOf(res).orgId, req.body);
    res.setHeader('Location', `${req.baseUrl}/${record.id}`);
    sendJson(res, 201, record);
  });
  router.get('/', (req, res) => {
    sendJson(res, 200, clients.list(apiKeyOf(res).orgId, req.query as Record<string, unknown>));
  });
  router.get('/:id', (req, res) => {
    sendJson(res, 200, clients.get(apiKeyOf(res).orgId, req.params.id as string));
  });
  router.all('/', methodNotAllowed('GET, HEAD, POST'));
  router.all('/:id', methodNotAllowed('GET, HEAD'));
  return router;
}
