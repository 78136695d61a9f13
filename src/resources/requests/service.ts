// The requests service: create, read and list for one organisation at a time, and the lifecycle
// moves that the admin operations, the clock (expiry) and magic subject emails drive. Never
// touches HTTP.
import type { ResourceParts } from '../../api/resource.js';
import { ApiError } from '../../errors.js';
import type { FakeEvent } from '../../events.js';
import { nextFreeId } from '../../ids.js';
import type { ScheduledTask } from '../../scheduler.js';
import type { Change } from '../../store/store.js';
import type { ClientRecord } from '../clients/client-record.js';
import { subjectOfClient, withRequestCount } from '../clients/links.js';
import { CLIENTS } from '../clients/service.js';
import { accessTokenOf, detailOfStep, scoreOf } from './detail.js';
import { magicOutcome, OPEN_STATUSES, walkTo, type RequestStatus } from './lifecycle.js';
import { listRequests, type RequestList, type RequestListQuery } from './list.js';
import { currentStepOf, newRequestRecord, type RequestInput } from './records.js';
import { toRequestDetail, withStatus, type RequestDetail, type RequestRecord, type RequestStep } from './request-record.js';

/** The collection the requests live in. */
export const REQUESTS = 'requests';

/** The request operations of the API and the fake's own lifecycle controls. */
export interface RequestsService {
  create(orgId: string, input: RequestInput): Promise<RequestRecord>;
  get(orgId: string, id: string): RequestDetail;
  list(orgId: string, query: RequestListQuery): Promise<RequestList>;
  /** Completes the current step of any organisation's request (opening it first when `initiated`). */
  completeStep(id: string): Promise<RequestDetail>;
  /** Moves any organisation's request to `status` along the transition table, walking the moves between. */
  moveTo(id: string, status: RequestStatus): Promise<RequestDetail>;
  /** Arms the expiry and magic-email tasks for the stored requests (after a load, reset or import). */
  armAll(): void;
}

/** The event a move to `status` publishes: the documented ones, else `request.updated`. */
function eventTypeOf(status: RequestStatus): string {
  return status === 'approved' || status === 'rejected' || status === 'expired' ? `request.${status}` : 'request.updated';
}

function isOpen(status: RequestStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

/**
 * Creates the requests service.
 *
 * @example
 * const requests = createRequestsService(parts);
 * const record = await requests.create('org_acme', { type: 'idv', requirements: ['document'] });
 * await requests.moveTo(record.id, 'approved');
 */
export function createRequestsService(parts: ResourceParts): RequestsService {
  const { store, clock, ids, events, scheduler, logger } = parts;
  const requests = store.collection<RequestRecord>(REQUESTS);
  const clients = store.collection<ClientRecord>(CLIENTS);
  const tokens = parts.random('tokens');
  const detail = parts.random('detail');
  const nowIso = (): string => new Date(clock.now()).toISOString();

  /** The event of a version of a request: the Request with its detail, as the API answers it then. */
  const eventOf = (type: string, record: RequestRecord): FakeEvent => ({
    type,
    orgId: record.orgId,
    at: record.updatedAt,
    data: toRequestDetail(record),
  });

  /** The record after completing its current step at `now` (detail filled; submitted after the last). */
  const withStepCompleted = (record: RequestRecord, now: string): RequestRecord => {
    const at = record.steps.findIndex((s) => s.status === 'pending');
    if (at === -1) return record;
    const step = record.steps[at] as RequestStep;
    const steps = record.steps.map((s, i): RequestStep => (i === at ? { ...s, status: 'completed', completedAt: now } : s));
    const filled = detailOfStep(step.step, record, now, detail);
    const next: RequestRecord = {
      ...record,
      ...(filled === undefined ? {} : { [filled.field]: filled.value }),
      steps,
      currentStep: currentStepOf(steps),
      updatedAt: now,
    };
    return next;
  };

  /** The record after one move to `status` at `now`: moving to `submitted` completes the steps left and sets the score. */
  const withMove = (record: RequestRecord, status: RequestStatus, now: string): RequestRecord => {
    let next = record;
    if (status === 'submitted') {
      while (next.currentStep !== null) next = withStepCompleted(next, now);
      next = { ...next, submittedAt: now, score: scoreOf(detail) };
    }
    return { ...next, status, updatedAt: now };
  };

  const recordOf = (id: string): RequestRecord => {
    const record = requests.get(id);
    if (record === undefined) throw new ApiError('NOT_FOUND');
    return record;
  };

  const invalidMove = (from: RequestStatus, to: RequestStatus): ApiError =>
    new ApiError('INVALID_TRANSITION', { fill: { record: 'request', from, to } });

  /** Stores the final version with the events of each move that led to it, in order. */
  const commit = async (versions: readonly { type: string; record: RequestRecord }[]): Promise<RequestDetail> => {
    const last = versions[versions.length - 1]?.record as RequestRecord;
    await events.commit(
      [{ collection: REQUESTS, update: last }],
      versions.map(({ type, record }) => eventOf(type, record)),
    );
    return toRequestDetail(last);
  };

  /** The versions a walk from the record's status to `to` goes through. */
  const walk = (record: RequestRecord, to: RequestStatus): { type: string; record: RequestRecord }[] => {
    const path = walkTo(record.status, to);
    if (path === undefined) throw invalidMove(record.status, to);
    const now = nowIso();
    const versions: { type: string; record: RequestRecord }[] = [];
    let current = record;
    for (const status of path) {
      current = withMove(current, status, now);
      versions.push({ type: eventTypeOf(status), record: current });
    }
    return versions;
  };

  // Expiry: one task at the earliest instant an open request expires; when it runs, every request
  // then due expires in one store write, and the task is set again for the next.
  let expiryTask: ScheduledTask | undefined;
  const armExpiryAt = (expiresAt: string): void => {
    const at = Date.parse(expiresAt);
    if (expiryTask !== undefined && expiryTask.at <= at) return;
    expiryTask?.cancel();
    expiryTask = scheduler.at(at, runExpiry);
  };
  const armExpiry = (): void => {
    expiryTask?.cancel();
    expiryTask = undefined;
    let earliest: string | undefined;
    for (const record of requests.all()) {
      if (isOpen(record.status) && (earliest === undefined || record.expiresAt < earliest)) earliest = record.expiresAt;
    }
    if (earliest !== undefined) armExpiryAt(earliest);
  };
  function runExpiry(): void {
    expiryTask = undefined;
    const now = nowIso();
    // One pass finds those due and the next expiry: each read parses the record from its bytes.
    // ISO 8601 UTC with milliseconds: text order is time order.
    const expired: RequestRecord[] = [];
    let next: string | undefined;
    for (const record of requests.all()) {
      if (!isOpen(record.status)) continue;
      if (record.expiresAt <= now) expired.push(withStatus(record, 'expired', now));
      else if (next === undefined || record.expiresAt < next) next = record.expiresAt;
    }
    if (next !== undefined) armExpiryAt(next);
    if (expired.length === 0) return;
    events
      .commit(
        expired.map((record): Change => ({ collection: REQUESTS, update: record })),
        expired.map((record) => eventOf('request.expired', record)),
      )
      .catch((error: unknown) => logger.error(`could not expire requests: ${(error as Error).message}`));
  }

  // Magic subject emails: a task at creation plus the delay walks the request to the outcome,
  // unless something else moved it out of the open statuses first.
  const magicTasks = new Map<string, ScheduledTask>();
  const armMagic = (record: RequestRecord): void => {
    const outcome = magicOutcome(record.subjectEmail);
    if (outcome === undefined || !isOpen(record.status)) return;
    magicTasks.get(record.id)?.cancel();
    const task = scheduler.at(Date.parse(record.createdAt) + parts.magicDelayMs, () => {
      magicTasks.delete(record.id);
      const current = requests.get(record.id);
      if (current === undefined || current.createdAt !== record.createdAt || !isOpen(current.status)) return;
      commit(walk(current, outcome)).catch((error: unknown) =>
        logger.error(`could not move request ${record.id} to ${outcome}: ${(error as Error).message}`),
      );
    });
    magicTasks.set(record.id, task);
  };

  return {
    async create(orgId, input) {
      let client: ClientRecord | undefined;
      if (input.clientId !== undefined && input.clientId !== null) {
        client = clients.get(input.clientId);
        // Another organisation's client is as unknown as one that does not exist.
        if (client === undefined || client.orgId !== orgId) {
          throw new ApiError('VALIDATION_ERROR', { errors: [{ field: 'clientId', message: 'Client not found' }] });
        }
      }
      const id = nextFreeId(ids, (candidate) => requests.get(candidate) !== undefined);
      const now = nowIso();
      const record = newRequestRecord(input, {
        id,
        orgId,
        now,
        accessToken: accessTokenOf(tokens),
        organisation: parts.organisation(orgId),
        subject: client === undefined ? undefined : subjectOfClient(client),
      });
      const changes: Change[] = [{ collection: REQUESTS, insert: record }];
      // The client's count moves in the same write as the request it counts.
      if (client !== undefined) changes.push({ collection: CLIENTS, update: withRequestCount(client, client.requestCount + 1, now) });
      await events.commit(changes, [eventOf('request.created', record)]);
      if (isOpen(record.status)) armExpiryAt(record.expiresAt);
      armMagic(record);
      return record;
    },

    get(orgId, id) {
      const record = requests.get(id);
      // Another organisation's request is answered as if it did not exist.
      if (record === undefined || record.orgId !== orgId) throw new ApiError('NOT_FOUND');
      return toRequestDetail(record);
    },

    list(orgId, query) {
      return listRequests(requests, orgId, query);
    },

    completeStep(id) {
      const record = recordOf(id);
      if (!isOpen(record.status)) return Promise.reject(invalidMove(record.status, 'in_progress'));
      const versions = record.status === 'initiated' ? walk(record, 'in_progress') : [];
      const opened = versions[versions.length - 1]?.record ?? record;
      const done = withStepCompleted(opened, nowIso());
      if (done.currentStep === null) versions.push(...walk(done, 'submitted'));
      else versions.push({ type: 'request.updated', record: done });
      return commit(versions);
    },

    moveTo(id, status) {
      try {
        return commit(walk(recordOf(id), status));
      } catch (error) {
        return Promise.reject(error);
      }
    },

    armAll() {
      armExpiry();
      for (const task of magicTasks.values()) task.cancel();
      magicTasks.clear();
      for (const record of requests.all()) armMagic(record);
      // Loaded requests may be overdue already: they expire (or walk) now, not at the next clock move.
      scheduler.runDue();
    },
  };
}
