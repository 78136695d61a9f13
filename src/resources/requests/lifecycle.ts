// The lifecycle of a verification request as a pure transition table: which status may follow
// which, and the shortest walk along the table from one status to another.

/** Every status a request can have (note the single "l" of `canceled`). */
export const REQUEST_STATUSES = [
  'initiated',
  'in_progress',
  'submitted',
  'pending_review',
  'approved',
  'rejected',
  'canceled',
  'expired',
] as const;

/** A request's status. */
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/**
 * The fake's whole transition table: the statuses each status may move to. Anything else is an
 * invalid transition.
 *
 * @example
 * TRANSITIONS.pending_review; // ['approved', 'rejected', 'canceled']
 */
export const TRANSITIONS: Readonly<Record<RequestStatus, readonly RequestStatus[]>> = {
  initiated: ['in_progress', 'canceled', 'expired'],
  in_progress: ['submitted', 'canceled', 'expired'],
  submitted: ['pending_review'],
  pending_review: ['approved', 'rejected', 'canceled'],
  rejected: ['pending_review'],
  approved: [],
  canceled: [],
  expired: [],
};

/** The statuses in which the subject still works on the request: these expire, and take steps. */
export const OPEN_STATUSES: readonly RequestStatus[] = ['initiated', 'in_progress'];

/**
 * Whether a request in status `from` may move to `to` in one transition.
 *
 * @example
 * canMove('initiated', 'in_progress'); // true
 * canMove('approved', 'rejected'); // false
 */
export function canMove(from: RequestStatus, to: RequestStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/**
 * The statuses a request passes through, in order, to get from `from` to `to` along the table
 * (the shortest walk, `to` last); `undefined` when there is none, and for `from === to`.
 *
 * @example
 * walkTo('initiated', 'approved'); // ['in_progress', 'submitted', 'pending_review', 'approved']
 * walkTo('approved', 'rejected'); // undefined
 */
export function walkTo(from: RequestStatus, to: RequestStatus): RequestStatus[] | undefined {
  // Breadth first, in the table's order, so the walk is the shortest and always the same one.
  const cameFrom = new Map<RequestStatus, RequestStatus>();
  const queue: RequestStatus[] = [from];
  while (queue.length > 0) {
    const status = queue.shift() as RequestStatus;
    for (const next of TRANSITIONS[status]) {
      if (next === from || cameFrom.has(next)) continue;
      cameFrom.set(next, status);
      if (next === to) {
        const walk: RequestStatus[] = [to];
        for (let at = status; at !== from; at = cameFrom.get(at) as RequestStatus) walk.unshift(at);
        return walk;
      }
      queue.push(next);
    }
  }
  return undefined;
}

/** The outcome a magic subject email walks to, by the end of its local part. */
const MAGIC_OUTCOMES: Readonly<Record<string, RequestStatus>> = {
  approve: 'approved',
  reject: 'rejected',
  review: 'pending_review',
  expire: 'expired',
};

/**
 * The outcome a subject email asks for: `jane+approve@example.com` is `approved`; an ordinary
 * address (or none) is `undefined`.
 *
 * @example
 * magicOutcome('jane+reject@example.com'); // 'rejected'
 */
export function magicOutcome(email: string | null | undefined): RequestStatus | undefined {
  const match = /\+(approve|reject|review|expire)@[^@]*$/i.exec(email ?? '');
  return match === null ? undefined : MAGIC_OUTCOMES[(match[1] as string).toLowerCase()];
}
