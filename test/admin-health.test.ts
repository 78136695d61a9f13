// GET/HEAD /__admin/health, and the admin token that guards every admin call.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import express from 'express';
import { collectionsOf } from '../src/api/resource.js';
import { createApp } from '../src/app.js';
import { parseConfig, PROGRAMMATIC_DEFAULTS } from '../src/config.js';
import { loadApiKeys } from '../src/fixtures.js';
import { RESOURCES } from '../src/resources/index.js';
import { Store } from '../src/store/store.js';
import { ENVELOPES } from './support/envelopes.js';
import { withFake } from './support/fake.js';
import { call } from './support/http.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

describe('GET /__admin/health', () => {
  it('answers 200 with status, version, uptime and the client count once ready, without an API key', async (t) => {
    const fake = await withFake(t);
    const res = await fake.call('GET', '/__admin/health');
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body), [
      'status',
      'version',
      'uptimeMs',
      'clients',
      'requests',
      'webhooks',
      'webhookEvents',
      'webhookDeliveries',
    ]);
    assert.deepEqual(
      { ...res.body, uptimeMs: 0 },
      { status: 'ok', version, uptimeMs: 0, clients: 2, requests: 0, webhooks: 0, webhookEvents: 0, webhookDeliveries: 0 },
    );
    assert.ok(Number.isInteger(res.body.uptimeMs) && res.body.uptimeMs >= 0);
    const head = await fake.call('HEAD', '/__admin/health');
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
  });

  it('answers 503 in the envelope until the server is ready', async () => {
    const config = parseConfig({ seed: 'none' }, {}, PROGRAMMATIC_DEFAULTS);
    const store = await Store.open(
      { kind: 'memory' },
      collectionsOf(RESOURCES).map((c) => c.name),
    );
    const built = createApp(config, { store, apiKeys: loadApiKeys(config.keysFile) });
    const server = express().use(built.app).listen(0);
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const before = await call(url, 'GET', '/__admin/health');
      assert.equal(before.status, 503);
      assert.deepEqual(before.body, ENVELOPES.NOT_READY);
      assert.equal((await call(url, 'HEAD', '/__admin/health')).status, 503);
      built.markReady();
      assert.equal((await call(url, 'GET', '/__admin/health')).status, 200);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('admin token', () => {
  it('guards every admin call when set, comparing the whole header', async (t) => {
    const fake = await withFake(t, { adminToken: 's3cret-token' });
    for (const headers of [
      {},
      { Authorization: 's3cret-token' },
      { Authorization: 'Bearer s3cret' },
      { Authorization: 'Bearer s3cret-token2' },
      { 'X-Api-Key': 's3cret-token' },
    ] as Record<string, string>[]) {
      const res = await fake.call('GET', '/__admin/health', { headers });
      assert.equal(res.status, 401, JSON.stringify(headers));
      assert.deepEqual(res.body, ENVELOPES.ADMIN_UNAUTHORIZED);
    }
    const ok = await fake.call('GET', '/__admin/health', { headers: { Authorization: 'Bearer s3cret-token' } });
    assert.equal(ok.status, 200);
  });

  it('answers unknown admin paths with the 404 envelope', async (t) => {
    const fake = await withFake(t);
    const res = await fake.call('GET', '/__admin/nope');
    assert.equal(res.status, 404);
    assert.deepEqual(res.body, ENVELOPES.NOT_FOUND);
  });
});
