// The admin API and the OpenAPI document answer whatever the case of their path and a trailing
// slash (as express routes them): none of those calls is journaled, and health probes log at debug.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../src/logger.js';
import { withFake } from './support/fake.js';
import { KEYS } from './support/fixture-keys.js';

describe('admin and document paths in any case', () => {
  it('are not journaled; an API call is', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    for (const path of [
      '/__ADMIN/health',
      '/__Admin/Health/',
      '/__admin/clock',
      '/__ADMIN/faults',
      '/OPENAPI.JSON',
      '/v2/API/openapi.json/',
    ]) {
      assert.equal((await fake.call('GET', path)).status, 200, path);
    }
    assert.equal((await fake.call('GET', '/clients', { key: KEYS.acme })).status, 200);
    assert.deepEqual(
      (await fake.journal.list()).map((entry) => `${entry.method} ${entry.path}`),
      ['GET /clients'],
    );
  });

  it('health probes log at debug whatever their case; other calls at info', async (t) => {
    const lines: string[] = [];
    const fake = await withFake(t, { seed: 'none', logLevel: 'info' }, { logger: createLogger('info', (line) => lines.push(line)) });
    for (const path of ['/__admin/health', '/__ADMIN/HEALTH', '/__admin/health/']) {
      assert.equal((await fake.call('GET', path)).status, 200, path);
      assert.equal((await fake.call('HEAD', path)).status, 200, path);
    }
    assert.equal(lines.join('\n'), '');
    await fake.call('GET', '/__admin/clock');
    assert.match(lines.join('\n'), /^GET \/__admin\/clock 200 [\d.]+ms$/);
  });
});
