// The typed handle of startFake() and the HTTP client of connectFake(): same methods, same results.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectFake, type FakeAdminError, type FakeAdmin } from '../src/index.js';
import { withFake } from './support/fake.js';
import { KEYS, SEEDED_IDS } from './support/fixture-keys.js';

/** One scenario, run through an admin interface against a fresh fake; returns what it observed. */
async function scenario(admin: FakeAdmin, create: (body: unknown, key?: string) => Promise<{ status: number }>): Promise<unknown[]> {
  const seen: unknown[] = [];
  seen.push(await admin.clock.set('2026-09-09T09:09:09.009Z', { frozen: true }));
  seen.push(await admin.clock.advance(1000));
  seen.push(await admin.clock.now());
  const rule = await admin.faults.add({ method: 'POST', status: 503, times: 1 });
  seen.push(rule);
  seen.push((await create({ nameFirst: 'x' })).status);
  seen.push((await create({ nameFirst: 'y' })).status);
  seen.push(await admin.faults.list());
  await admin.faults.add({ method: 'GET', status: 500 });
  await admin.faults.remove('flt_2');
  seen.push(await admin.faults.list());
  await admin.faults.add({ method: 'GET', status: 500 });
  await admin.faults.clear();
  seen.push(await admin.faults.list());
  seen.push((await admin.requests({ method: 'POST' })).map((e) => [e.status, e.fault, e.at]));
  seen.push(await admin.countRequests({ status: 201 }));
  await admin.clearRequests();
  seen.push(await admin.requests());
  const exported = await admin.state.export({ orgId: 'org_acme' });
  seen.push(exported.clients.length);
  seen.push(await admin.state.import({ clients: exported.clients.slice(0, 1) }, { orgId: 'org_acme' }));
  seen.push((await admin.state.export()).clients.map((c) => c.id));
  seen.push(await admin.reset({ orgId: 'org_acme' }));
  seen.push(await admin.reset());
  seen.push((await admin.health()).status);
  return seen;
}

describe('startFake() handle and connectFake()', () => {
  it('give the same results for the same scenario', async (t) => {
    const local = await withFake(t);
    const remoteFake = await withFake(t);
    const viaHandle = await scenario(local, local.create);
    const viaHttp = await scenario(connectFake(remoteFake.url), remoteFake.create);
    assert.deepEqual(viaHttp, viaHandle);
    assert.equal(viaHandle[0] && (viaHandle[0] as { now: string }).now, '2026-09-09T09:09:09.009Z');
    assert.deepEqual(viaHandle[4], 503);
    assert.deepEqual(viaHandle[5], 201);
    assert.deepEqual(viaHandle.at(-4), [SEEDED_IDS[0]]);
  });

  it('exposes the seeded keys by label', async (t) => {
    const fake = await withFake(t);
    assert.deepEqual(fake.apiKeys.acme, { key: KEYS.acme, orgId: 'org_acme', label: 'acme', revoked: false });
    assert.equal(fake.apiKeys['rate-limited']?.simulate, 'RATE_LIMITED');
  });

  it('reports invalid input the same way: a 422 ApiError in-process, a FakeAdminError over HTTP', async (t) => {
    const fake = await withFake(t);
    await assert.rejects(fake.faults.add({} as never), { name: 'ApiError', status: 422 });
    await assert.rejects(connectFake(fake.url).faults.add({} as never), (error: FakeAdminError) => {
      assert.equal(error.name, 'FakeAdminError');
      assert.equal(error.status, 422);
      assert.deepEqual(error.body?.errors, [{ field: '', message: 'A rule needs an effect: status, delayMs or network' }]);
      return true;
    });
    await assert.rejects(connectFake(fake.url).faults.remove('flt_404'), { status: 404 });
  });

  it('sends the admin token, and fails clearly without it', async (t) => {
    const fake = await withFake(t, { adminToken: 'hunter2-hunter2' });
    assert.equal((await connectFake(`${fake.url}/`, { adminToken: 'hunter2-hunter2' }).health()).status, 'ok');
    await assert.rejects(connectFake(fake.url).reset(), { name: 'FakeAdminError', status: 401 });
  });
});
