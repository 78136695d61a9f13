// POST /__admin/reset: back to the seeded state, whole or for one organisation, written before it answers.
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { validationError } from './support/envelopes.js';
import { withFake } from './support/fake.js';
import { KEYS, SEEDED_IDS } from './support/fixture-keys.js';
import { rateHeaders } from './support/http.js';
import { tempDir } from './support/temp-dir.js';

const START = '2026-04-01T08:00:00.000Z';
const RESET_PARTS = [
  'clients',
  'requests',
  'webhooks',
  'webhookEvents',
  'webhookDeliveries',
  'journal',
  'faults',
  'rateLimits',
  'clock',
  'ids',
];

describe('POST /__admin/reset', () => {
  it('restores the seed, clears journal and counters, restores start-up faults, the clock and the id sequence', async (t) => {
    const db = join(tempDir(), 'db.json');
    const fake = await withFake(t, { db, clock: START, randomSeed: 11, rateLimit: 10, fault: ['GET /clients/* status=503 times=2'] });
    const firstId = (await fake.create({ nameFirst: 'A' })).body.id;
    await fake.create({ nameFirst: 'B' }, KEYS.globex);
    await fake.call('GET', '/clients/x', { key: KEYS.acme });
    await fake.faults.add({ method: 'POST', status: 500 });
    await fake.clock.advance(3_600_000);

    const res = await fake.call('POST', '/__admin/reset');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      reset: ['clients', 'requests', 'webhooks', 'webhookEvents', 'webhookDeliveries', 'journal', 'faults', 'rateLimits', 'clock', 'ids'],
      clients: 2,
      requests: 0,
      webhooks: 0,
      webhookEvents: 0,
      webhookDeliveries: 0,
    });
    // Written before the answer: the file holds exactly the seed.
    const stored = JSON.parse(readFileSync(db, 'utf8'));
    assert.deepEqual(
      stored.clients.map((c: { id: string }) => c.id),
      [...SEEDED_IDS],
    );

    assert.deepEqual(await fake.requests(), []);
    assert.deepEqual(
      (await fake.faults.list()).map((r) => [r.id, r.status, r.remaining, r.hits]),
      [['flt_1', 503, 2, 0]],
    );
    assert.equal(await fake.clock.now(), START);
    const list = await fake.call('GET', '/clients', { key: KEYS.acme });
    assert.deepEqual(
      list.body.data.map((c: { id: string }) => c.id),
      [...SEEDED_IDS].reverse(),
    );
    assert.deepEqual(rateHeaders(list.headers), { limit: '10', remaining: '9', retryAfter: null });
    assert.equal((await fake.call('GET', '/clients', { key: KEYS.globex })).body.pagination.total, 0);
    // The id sequence starts over: the same first create gets the same id again.
    assert.equal((await fake.create({ nameFirst: 'A' })).body.id, firstId);
  });

  it('leaves the store file as it is when nothing changed since the last reset, and writes it again after a change', async (t) => {
    const db = join(tempDir(), 'db.json');
    const fake = await withFake(t, { db });
    const seeded = { clients: 2, requests: 0, webhooks: 0, webhookEvents: 0, webhookDeliveries: 0 };
    // Each write replaces the file (a temporary file renamed over it): a new inode.
    const written = (): string => {
      const { ino, mtimeMs } = statSync(db);
      return `${ino} ${mtimeMs}`;
    };
    assert.deepEqual((await fake.call('POST', '/__admin/reset')).body, { reset: RESET_PARTS, ...seeded });
    const afterFirst = written();

    assert.deepEqual((await fake.call('POST', '/__admin/reset')).body, { reset: RESET_PARTS, ...seeded });
    assert.equal(written(), afterFirst);

    const created = (await fake.create({ nameFirst: 'Gone after the reset' })).body.id;
    assert.deepEqual((await fake.call('POST', '/__admin/reset')).body, { reset: RESET_PARTS, ...seeded });
    const afterChange = written();
    assert.notEqual(afterChange, afterFirst);
    assert.deepEqual(
      JSON.parse(readFileSync(db, 'utf8')).clients.map((c: { id: string }) => c.id),
      [...SEEDED_IDS],
    );
    assert.equal((await fake.call('GET', `/clients/${created}`, { key: KEYS.acme })).status, 404);

    assert.deepEqual((await fake.call('POST', '/__admin/reset')).body, { reset: RESET_PARTS, ...seeded });
    assert.equal(written(), afterChange);
  });

  it('?orgId= resets only that organisation: its clients, journal entries and rate-limit counts', async (t) => {
    const fake = await withFake(t, { rateLimit: 10 });
    await fake.create({ nameFirst: 'Acme extra' });
    const globexClient = (await fake.create({ nameFirst: 'Globex' }, KEYS.globex)).body;
    await fake.faults.add({ method: 'DELETE', status: 500 });

    const res = await fake.call('POST', '/__admin/reset?orgId=org_acme');
    assert.deepEqual(res.body, {
      reset: ['clients', 'requests', 'webhooks', 'webhookEvents', 'webhookDeliveries', 'journal', 'rateLimits'],
      orgId: 'org_acme',
      clients: 2,
      requests: 0,
      webhooks: 0,
      webhookEvents: 0,
      webhookDeliveries: 0,
    });

    const acme = await fake.call('GET', '/clients', { key: KEYS.acme });
    assert.deepEqual(
      acme.body.data.map((c: { id: string }) => c.id),
      [...SEEDED_IDS].reverse(),
    );
    assert.equal(acme.headers.get('x-ratelimit-remaining'), '9');
    const globex = await fake.call('GET', '/clients', { key: KEYS.globex });
    assert.deepEqual(globex.body.data, [globexClient]);
    assert.equal(globex.headers.get('x-ratelimit-remaining'), '8');
    const journal = await fake.requests();
    assert.deepEqual(
      journal.map((e) => e.orgId),
      ['org_globex', 'org_acme', 'org_globex'],
    );
    assert.equal((await fake.faults.list()).length, 1);
  });

  it('resets an organisation without starting clients to empty', async (t) => {
    const fake = await withFake(t);
    await fake.create({}, KEYS.globex);
    assert.deepEqual(await fake.reset({ orgId: 'org_globex' }), {
      reset: ['clients', 'requests', 'webhooks', 'webhookEvents', 'webhookDeliveries', 'journal', 'rateLimits'],
      orgId: 'org_globex',
      clients: 0,
      requests: 0,
      webhooks: 0,
      webhookEvents: 0,
      webhookDeliveries: 0,
    });
    assert.equal((await fake.call('GET', '/clients', { key: KEYS.globex })).body.pagination.total, 0);
    assert.equal((await fake.call('GET', '/clients', { key: KEYS.acme })).body.pagination.total, 2);
  });

  it('gives generated seed ids that another organisation holds a wide berth (seeded run, restarted)', async (t) => {
    const dir = tempDir();
    const seed = join(dir, 'seed.json');
    writeFileSync(
      seed,
      JSON.stringify({
        clients: [
          { orgId: 'org_acme', nameFirst: 'A' },
          { orgId: 'org_globex', nameFirst: 'G' },
        ],
      }),
    );
    const options = { db: join(dir, 'db.json'), seed, randomSeed: 7, clock: START };
    const first = await withFake(t, options);
    await first.close();
    // The same seed and clock make the same ids again: they must not clash with the stored ones.
    const again = await withFake(t, options);
    const res = await again.call('POST', '/__admin/reset?orgId=org_globex');
    assert.equal(res.status, 200);
    assert.equal(res.body.clients, 1);
    const ids = (await again.state.export()).clients.map((c) => c.id);
    assert.equal(new Set(ids).size, 2);
  });

  it('rejects a repeated or empty orgId with 422', async (t) => {
    const fake = await withFake(t);
    const repeated = await fake.call('POST', '/__admin/reset?orgId=a&orgId=b');
    assert.deepEqual(repeated.body, validationError([{ field: 'orgId', message: 'Expected string, received array' }]));
    assert.equal((await fake.call('POST', '/__admin/reset?orgId=')).status, 422);
  });
});
