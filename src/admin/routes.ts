// The admin API under /__admin, declared in one route table; never needs an API key.
import { Router, type Request } from 'express';
import { sendJson } from '../http/respond.js';
import { requireAdminToken } from './admin-token.js';
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
      sendJson(res, route.status ?? 200, await route.handle(req));
    });
  }
  return router;
}
