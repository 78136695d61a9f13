// The express router of the admin API, mounted at /__admin, derived from the operation table.
import { type Request, type Response, Router } from 'express';
import { ANY_SIZE, parseJsonBody } from '../http/body.js';
import { sendJson, sendJsonChunks } from '../http/respond.js';
import { requireAdminToken } from './admin-token.js';
import { flattenAdminOperations, type AdminOperationTree, type AdminParts } from './operations.js';

/** Where the admin API is mounted. */
export const ADMIN_BASE = '/__admin';

/**
 * The router of the admin API: every operation at its path (and its deprecated paths), behind the
 * admin token when one is set. Never needs an API key.
 *
 * @example
 * app.use('/__admin', createAdminRouter(ADMIN_OPERATIONS, parts, config.adminToken));
 */
export function createAdminRouter(tree: AdminOperationTree, parts: AdminParts, adminToken: string | undefined): Router {
  const router = Router();
  router.use(requireAdminToken(adminToken));
  for (const [, operation] of flattenAdminOperations(tree)) {
    const method = operation.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    const readBody = operation.bodyOfAnySize ? parseJsonBody(ANY_SIZE) : [];
    router[method]([operation.path, ...(operation.deprecatedPaths ?? [])], ...readBody, async (req: Request, res: Response) => {
      const input = operation.fromHttp({
        params: req.params as Record<string, string>,
        query: req.query as Record<string, unknown>,
        body: req.body,
      });
      if (operation.runJson !== undefined) {
        await sendJsonChunks(res, operation.status ?? 200, operation.runJson(parts, input));
        return;
      }
      const body = await operation.run(parts, input);
      if (operation.status === 204) res.status(204).end();
      else sendJson(res, operation.status ?? 200, body);
    });
  }
  return router;
}

/**
 * Whether a request goes to an admin operation that reads its body itself ({@link
 * AdminOperation.bodyOfAnySize}): the app's body parser leaves it unread. Paths are compared as
 * express routes them, ignoring case and a trailing slash.
 *
 * @example
 * parseJsonBody(limit, readsItsOwnBody(ADMIN_OPERATIONS));
 */
export function readsItsOwnBody(tree: AdminOperationTree): (req: Request) => boolean {
  const routes = new Set<string>();
  for (const [, operation] of flattenAdminOperations(tree)) {
    if (!operation.bodyOfAnySize) continue;
    for (const path of [operation.path, ...(operation.deprecatedPaths ?? [])]) {
      if (path.includes(':')) throw new Error(`an operation taking a body of any size needs a fixed path, not ${path}`);
      routes.add(`${operation.method} ${ADMIN_BASE}${path.toLowerCase()}`);
    }
  }
  const methods = new Set([...routes].map((route) => route.split(' ')[0]));
  return (req) => methods.has(req.method) && routes.has(`${req.method} ${req.path.toLowerCase().replace(/\/+$/, '')}`);
}
