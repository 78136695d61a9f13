// Driving a request through its lifecycle with the admin operations, on both handles and over raw
// HTTP: steps completed and recorded one by one, walks along the table, 409 and 404, the events.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectFake, type FakeEvent } from '../src/index.js';
import { withFake } from './support/fake.js';
import { KEYS } from './support/fixture-keys.js';
import { DETAIL_KEYS, FROZEN_AT, REQUEST_KEYS } from './support/requests.js';

const LATER = '2026-03-04T05:06:08.089Z';

describe('request admin operations', () => {
  it('complete the current step, filling its detail, and submit with a score after the last', async (t) => {
    const fake = await withFake(t, { clock: FROZEN_AT, seed: 'none', randomSeed: 3 });
    const seen: FakeEvent[] = [];
    fake.fake.events.subscribe((event) => seen.push(event));
    const created = await fake.call('POST', '/requests', {
      key: KEYS.acme,
      body: { type: 'idv', requirements: ['person', 'consent'], subjectName: 'Jane Smith' },
    });
    assert.equal(created.body.status, 'initiated');
    await fake.clock.advance(1000);
    const first = await fake.requests.completeStep(created.body.id);
    assert.deepEqual(Object.keys(first), [...REQUEST_KEYS, ...DETAIL_KEYS]);
    assert.equal(first.status, 'in_progress');
    assert.equal(first.currentStep, 'consent');
    assert.equal(first.updatedAt, LATER);
    assert.deepEqual(first.steps, [
      { step: 'person', status: 'completed', completedAt: LATER },
      { step: 'consent', status: 'pending', completedAt: null },
    ]);
    assert.equal((first.person as { firstName: string }).firstName, 'Jane');
    assert.equal((first.person as { lastName: string }).lastName, 'Smith');
    assert.equal(first.score, null);

    const remote = connectFake(fake.url);
    const last = await remote.requests.completeStep(created.body.id);
    assert.equal(last.status, 'submitted');
    assert.equal(last.currentStep, null);
    assert.equal(last.submittedAt, LATER);
    assert.ok(Number.isInteger(last.score) && (last.score as number) >= 0 && (last.score as number) <= 100);
    const got = await fake.call('GET', `/requests/${created.body.id}`, { key: KEYS.acme });
    assert.deepEqual(got.body, last, 'GET answers what the admin operation answered');

    assert.deepEqual(
      seen.map((e) => [e.type, (e.data as { status: string }).status]),
      [
        ['request.created', 'initiated'],
        ['request.updated', 'in_progress'],
        ['request.updated', 'in_progress'],
        ['request.updated', 'submitted'],
      ],
    );
  });

  it('move to a status along the table, walking and recording the moves between; 409 when impossible', async (t) => {
    const fake = await withFake(t, { clock: FROZEN_AT, seed: 'none' });
    const seen: FakeEvent[] = [];
    fake.fake.events.subscribe((event) => seen.push(event));
    const created = await fake.call('POST', '/requests', {
      key: KEYS.globex,
      body: { type: 'kyc', requirements: ['document', 'pep_hio'], subjectName: 'Hank Hill', subjectEmail: 'hank@example.com' },
    });
    const approved = await fake.requests.moveTo(created.body.id, 'approved');
    assert.equal(approved.status, 'approved');
    assert.equal(
      approved.steps.every((s) => s.status === 'completed' && s.completedAt === FROZEN_AT),
      true,
    );
    assert.equal(approved.documents.length, 1);
    assert.equal((approved.pep as { screened: boolean }).screened, true);
    assert.deepEqual(
      seen.slice(1).map((e) => e.type),
      ['request.updated', 'request.updated', 'request.approved'],
    );
    assert.deepEqual(seen.at(-1)?.data, approved, 'the event carries the Request with its detail');
    assert.equal(seen.at(-1)?.orgId, 'org_globex');

    const raw = await fake.call('POST', `/__admin/requests/${created.body.id}/status`, { body: { status: 'rejected' } });
    assert.equal(raw.status, 409);
    assert.deepEqual(raw.body, {
      code: 'INVALID_TRANSITION',
      message: 'Cannot move a request from approved to rejected.',
      statusCode: 409,
    });
    await assert.rejects(connectFake(fake.url).requests.moveTo(created.body.id, 'canceled'), { status: 409 });
    await assert.rejects(fake.requests.completeStep(created.body.id), { kind: 'INVALID_TRANSITION' });

    const bad = await fake.call('POST', `/__admin/requests/${created.body.id}/status`, { body: { status: 'done' } });
    assert.equal(bad.status, 422);
    assert.deepEqual(bad.body.errors, [
      {
        field: 'status',
        message:
          "Invalid enum value. Expected 'initiated' | 'in_progress' | 'submitted' | 'pending_review' | 'approved' | 'rejected' | 'canceled' | 'expired', received 'done'",
      },
    ]);
    const missing = await fake.call('POST', '/__admin/requests/req_nope/complete-step');
    assert.deepEqual(missing.body, { code: 'NOT_FOUND', message: 'Resource not found.', statusCode: 404 });
  });

  it('reopen a rejected request, and cancel from review', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    const created = await fake.call('POST', '/requests', { key: KEYS.acme, body: { type: 'idv', requirements: ['document'] } });
    assert.equal((await fake.requests.moveTo(created.body.id, 'rejected')).status, 'rejected');
    assert.equal((await fake.requests.moveTo(created.body.id, 'pending_review')).status, 'pending_review');
    assert.equal((await fake.requests.moveTo(created.body.id, 'canceled')).status, 'canceled');
  });
});
