// The admin API under /__admin, declared in one route table; never needs an API key.
import { Router, type Request } from 'express';
import { ApiError } from '../errors.js';
import type { FaultRuleInput } from '../faults/fault-rule.js';
import { sendJson } from '../http/respond.js';
import type { JournalFilter } from '../journal/journal.js';
import { adminOpenApi } from '../openapi/openapi.js';
import type { SchemaFile } from '../validation/schemas.js';
import { coerceQueryFor } from '../validation/validator.js';
import { requireAdminToken } from './admin-token.js';
import type { FakeControls } from './controls.js';

/** One admin route: what it does, and a handler that returns the body to send. */
export interface AdminRoute {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  summary: string;
  /** Status of a success; 200 unless said. 204 sends no body. */
  status?: number;
  /** The schema of the JSON body, for the OpenAPI document. */
  body?: SchemaFile;
  /** The schema of the query, for the OpenAPI document. */
  query?: SchemaFile | 'orgId';
  handle(req: Request): unknown;
}

/** The optional `?orgId=` of reset and state. */
function orgIdOf(req: Request): string | undefined {
  const orgId = (req.query as Record<string, unknown>).orgId;
  if (orgId === undefined) return undefined;
  if (typeof orgId !== 'string' || orgId === '') {
    const received = Array.isArray(orgId) ? 'array' : typeof orgId;
    throw new ApiError('VALIDATION_ERROR', {
      errors: [{ field: 'orgId', message: orgId === '' ? 'String must contain at least 1 character(s)' : `Expected string, received ${received}` }],
    });
  }
  return orgId;
}

/** The admin route table, over the controls. */
export function adminRoutes(controls: FakeControls): AdminRoute[] {
  const journalQuery = coerceQueryFor('journal-filter.schema.json');
  const routes: AdminRoute[] = [
    {
      method: 'get',
      path: '/health',
      summary: 'Readiness: 503 until the store is loaded and the server listens, then status, version, uptime and client count (HEAD too)',
      handle: () => controls.health(),
    },
    {
      method: 'post',
      path: '/reset',
      summary:
        'Back to the seeded state (clients from the seed, journal, fault rules, rate-limit counts, clock, ids); ?orgId= resets only that organisation',
      query: 'orgId',
      handle: (req) => controls.reset({ orgId: orgIdOf(req) }),
    },
    {
      method: 'get',
      path: '/requests',
      summary: 'The request journal, oldest first; filters method, path, status, orgId, since, limit',
      query: 'journal-filter.schema.json',
      handle: (req) => ({ requests: controls.requests(journalQuery(req.query as Record<string, unknown>) as JournalFilter) }),
    },
    {
      method: 'delete',
      path: '/requests',
      summary: 'Clear the request journal (204)',
      status: 204,
      handle: () => controls.clearRequests(),
    },
    {
      method: 'post',
      path: '/requests/count',
      summary: 'Count journal entries matching the body (method, path, status, orgId, since)',
      body: 'journal-filter.schema.json',
      handle: (req) => ({ count: controls.countRequests((req.body ?? {}) as JournalFilter) }),
    },
    {
      method: 'post',
      path: '/faults',
      summary: 'Add a fault rule (body: one rule); 201 with the stored rule, its id, remaining and hits',
      status: 201,
      body: 'fault-rule.schema.json',
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
    {
      method: 'get',
      path: '/clock',
      summary: "The fake's clock: {now, frozen}",
      handle: () => controls.clock.get(),
    },
    {
      method: 'put',
      path: '/clock',
      summary: 'Set the clock: {now?, frozen?}; answers the new {now, frozen}',
      body: 'clock-setting.schema.json',
      handle: (req) => controls.clock.set((req.body ?? {}) as { now?: string; frozen?: boolean }),
    },
    {
      method: 'post',
      path: '/clock/advance',
      summary: 'Move the clock by {ms}; answers the new {now, frozen}',
      body: 'clock-advance.schema.json',
      handle: (req) => controls.clock.advance((req.body as { ms?: unknown } | undefined)?.ms as number),
    },
    {
      method: 'get',
      path: '/state',
      summary: 'Export the clients, all or ?orgId=, as {clients: [...]}',
      query: 'orgId',
      handle: (req) => controls.state.export({ orgId: orgIdOf(req) }),
    },
    {
      method: 'put',
      path: '/state',
      summary: 'Replace the clients (all, or ?orgId=) from the exported shape; 422 and nothing changed when invalid',
      query: 'orgId',
      body: 'clients-fixture.schema.json',
      handle: (req) => controls.state.import(req.body, { orgId: orgIdOf(req) }),
    },
    {
      method: 'get',
      path: '/openapi.json',
      summary: 'This document: the OpenAPI 3.1 description of the admin API',
      handle: () => adminOpenApi(routes),
    },
  ];
  return routes;
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
