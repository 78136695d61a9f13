// The fake's own controls of the request lifecycle (the real API has none): complete the current
// step, or move to a status along the table. They act on any organisation's request, since the
// admin API has no API key; each answers the updated Request with its detail.
import type { AdminHttpInput } from '../../admin/operations.js';
import type { ResourceAdminHandleOf } from '../../admin/operations.js';
import type { ResourceAdminTree } from '../../api/resource.js';
import { ApiError } from '../../errors.js';
import { checkFor } from '../../validation/validator.js';
import type { RequestStatus } from './lifecycle.js';
import type { RequestsApi } from './operations.js';
import type { RequestDetail } from './request-record.js';

/**
 * `POST /__admin/requests/{id}/complete-step` and `POST /__admin/requests/{id}/status`, on the
 * handles as `fake.requests.completeStep(id)` and `fake.requests.moveTo(id, status)`.
 *
 * @example
 * await fake.requests.moveTo(id, 'approved');
 */
export const REQUEST_ADMIN = {
  completeStep: {
    method: 'POST',
    path: '/:id/complete-step',
    summary:
      "Complete a request's current step (any organisation's; an initiated one is opened first; the last step submits it); answers the Request with its detail; 404 unknown, 409 INVALID_TRANSITION when it is not open",
    input: (id: string): string => id,
    toHttp: (id: string) => ({ params: { id } }),
    fromHttp: ({ params }: AdminHttpInput): string => params.id ?? '',
    run: ({ service }: RequestsApi, id: string): Promise<RequestDetail> => service.completeStep(id),
  },
  moveTo: {
    method: 'POST',
    path: '/:id/status',
    summary:
      "Move a request (any organisation's) to {status} along the transition table, walking and recording the moves between; answers the Request with its detail; 404 unknown, 409 INVALID_TRANSITION when the table has no way there",
    bodySchema: 'request-move.schema.json',
    input: (id: string, status: RequestStatus): { id: string; status: RequestStatus } => ({ id, status }),
    toHttp: ({ id, status }: { id: string; status: RequestStatus }) => ({ params: { id }, body: { status } }),
    fromHttp: ({ params, body }: AdminHttpInput): { id: string; status: RequestStatus } => ({
      id: params.id ?? '',
      status: (body as { status?: RequestStatus } | undefined)?.status as RequestStatus,
    }),
    run: ({ service }: RequestsApi, { id, status }: { id: string; status: RequestStatus }): Promise<RequestDetail> => {
      const errors = checkFor('request-move.schema.json')({ status });
      if (errors.length > 0) return Promise.reject(new ApiError('VALIDATION_ERROR', { errors }));
      return service.moveTo(id, status);
    },
  },
} satisfies ResourceAdminTree<RequestsApi>;

// The requests' controls on the handles (fake.requests.*), typed.
declare module '../../admin/handle.js' {
  interface ResourceAdminHandles {
    requests: ResourceAdminHandleOf<typeof REQUEST_ADMIN>;
  }
}
