// The express router of the admin API, mounted at /__admin, derived from the operation table.
import { Router } from 'express';
import { sendJson, sendJsonChunks } from '../http/respond.js';
import { requireAdminToken } from './admin-token.js';
import { flattenAdminOperations, type AdminOperationTree, type AdminParts } from './operations.js';

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
    router[method]([operation.path, ...(operation.deprecatedPaths ?? [])], async (req, res) => {
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
