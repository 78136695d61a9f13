// The admin API under /__admin, declared in one route table; never needs an API key.
import { Router, type Request } from 'express';
import { sendJson } from '../http/respond.js';
import { requireAdminToken } from './admin-token.js';
import type { FaultRuleInput } from '../faults/fault-rule.js';
import type { FakeControls } from './controls.js';

/** One admin route: what it does, and a handler that returns the body to send. */
export interface AdminRoute {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  summary: string;
  /** Status of a success; 200 unless said. */
  status?: number;
  handle(req: Request): unknown;
}

/** The admin route table, over the controls. */
export function adminRoutes(controls: FakeControls): AdminRoute[] {
  return [
    {
      method: 'get',
      path: '/health',
      summary: 'Readiness: 503 until the store is loaded and the server listens, then status, version, uptime and client count (HEAD too)',
      handle: () => controls.health(),
    },
    {
      method: 'post',
      path: '/faults',
      summary: 'Add a fault rule (body: one rule); 201 with the stored rule, its id, remaining and hits',
      status: 201,
      handle: (req) => controls.faults.add(req.body as FaultRuleInput),
    },
    {
      method: 'get',
      path: '/faults',
      summary: 'The fault rules in the order they are tried, with remaining and hits',
      handle: () => ({ faults: controls.faults.list() }),
    },
    {
      method: 'delete',
      path: '/faults/:id',
      summary: 'Remove one fault rule (204; 404 if unknown)',
      status: 204,
      handle: (req) => controls.faults.remove(req.params.id as string),
    },
    {
      method: 'delete',
      path: '/faults',
      summary: 'Remove every fault rule (204)',
      status: 204,
      handle: () => controls.faults.clear(),
    },
  ];
}

/**
 * The router of the admin API, to be mounted at `/__admin`.
 *
 * @example
 * app.use('/__admin', createAdminRouter(adminRoutes(controls), config.adminToken));
 */
export function createAdminRouter(routes: readonly AdminRoute[], adminToken: string | undefined): Router {
  const router = Router();
  router.use(requireAdminToken(adminToken));
  for (const route of routes) {
    router[route.method](route.path, async (req, res) => {
      const body = await route.handle(req);
      if (route.status === 204) res.status(204).end();
      else sendJson(res, route.status ?? 200, body);
    });
  }
  return router;
}
