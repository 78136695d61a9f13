// The request lifecycle as a pure table: every pair of statuses, the walks between them, and the
// magic subject emails.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canMove, magicOutcome, REQUEST_STATUSES, walkTo, type RequestStatus } from '../src/resources/requests/lifecycle.js';

/** The contract's table, spelled out once more: a changed table fails here. */
const ALLOWED: Record<RequestStatus, RequestStatus[]> = {
  initiated: ['in_progress', 'canceled', 'expired'],
  in_progress: ['submitted', 'canceled', 'expired'],
  submitted: ['pending_review'],
  pending_review: ['approved', 'rejected', 'canceled'],
  rejected: ['pending_review'],
  approved: [],
  canceled: [],
  expired: [],
};

describe('request lifecycle table', () => {
  for (const from of REQUEST_STATUSES) {
    for (const to of REQUEST_STATUSES) {
      const allowed = ALLOWED[from].includes(to);
      it(`${from} -> ${to} is ${allowed ? 'a move' : 'no move'}`, () => {
        assert.equal(canMove(from, to), allowed);
      });
    }
  }

  const walks: [RequestStatus, RequestStatus, RequestStatus[] | undefined][] = [
    ['initiated', 'approved', ['in_progress', 'submitted', 'pending_review', 'approved']],
    ['initiated', 'in_progress', ['in_progress']],
    ['initiated', 'expired', ['expired']],
    ['in_progress', 'rejected', ['submitted', 'pending_review', 'rejected']],
    ['in_progress', 'pending_review', ['submitted', 'pending_review']],
    ['submitted', 'canceled', ['pending_review', 'canceled']],
    ['rejected', 'approved', ['pending_review', 'approved']],
    ['approved', 'rejected', undefined],
    ['expired', 'in_progress', undefined],
    ['canceled', 'pending_review', undefined],
    ['submitted', 'expired', undefined],
    ['in_progress', 'initiated', undefined],
    ['pending_review', 'pending_review', undefined],
  ];
  for (const [from, to, walk] of walks) {
    it(`walks ${from} to ${to}: ${walk?.join(', ') ?? 'impossible'}`, () => {
      assert.deepEqual(walkTo(from, to), walk);
    });
  }

  const emails: [string | null, RequestStatus | undefined][] = [
    ['jane+approve@example.com', 'approved'],
    ['jane+reject@example.com', 'rejected'],
    ['jane+review@example.com', 'pending_review'],
    ['jane+expire@example.com', 'expired'],
    ['JANE+APPROVE@EXAMPLE.COM', 'approved'],
    ['jane@example.com', undefined],
    ['jane+approved@example.com', undefined],
    ['approve@example.com', undefined],
    [null, undefined],
  ];
  for (const [email, outcome] of emails) {
    it(`the subject email ${email} walks to ${outcome ?? 'nothing'}`, () => {
      assert.equal(magicOutcome(email), outcome);
    });
  }
});
