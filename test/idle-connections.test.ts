// Idle connections are closed after the keep-alive timeout, whether they never sent a request or
// sent one and were answered; a request in progress is never cut by it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withFake } from './support/fake.js';
import { KEYS } from './support/fixture-keys.js';
import { openConnection } from './support/raw-http.js';

const IDLE_MS = 50;
/** Long enough never to decide a test. */
const NEVER = 600_000;

describe('idle connections', () => {
  it('closes a connection that never sends a request after the keep-alive timeout', async (t) => {
    const fake = await withFake(t, { seed: 'none' }, { timeouts: { keepAliveMs: IDLE_MS, headersMs: NEVER, requestMs: NEVER } });
    const connections = await Promise.all(Array.from({ length: 20 }, () => openConnection(fake.url)));
    assert.deepEqual(await Promise.all(connections.map((c) => c.closed)), Array(20).fill(''));
  });

  it('closes a connection after its answer once it has been idle for the keep-alive timeout', async (t) => {
    const fake = await withFake(t, { seed: 'none' }, { timeouts: { keepAliveMs: IDLE_MS, headersMs: NEVER, requestMs: NEVER } });
    const connection = await openConnection(fake.url);
    connection.write('GET /__admin/health HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.match(await connection.closed, /^HTTP\/1\.1 200 OK\r\n/);
  });

  it('never cuts a first request that takes longer than the keep-alive timeout', async (t) => {
    // Once the request is in progress (its delay fault has begun), a connection opened then is
    // closed as idle; only after that does the delay end: the request took longer than the timeout.
    let inProgress: () => void = () => {};
    const started = new Promise<void>((resolve) => (inProgress = resolve));
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const delay = async (): Promise<void> => {
      inProgress();
      await released;
    };
    const fake = await withFake(
      t,
      { seed: 'none', fault: ['GET /clients delay=1 times=1'] },
      { timeouts: { keepAliveMs: IDLE_MS, headersMs: NEVER, requestMs: NEVER }, delay },
    );
    const connection = await openConnection(fake.url);
    connection.write(`GET /clients HTTP/1.1\r\nHost: x\r\nX-Api-Key: ${KEYS.acme}\r\n\r\n`);
    await started;
    assert.equal(await (await openConnection(fake.url)).closed, '');
    release();
    assert.match(await connection.closed, /^HTTP\/1\.1 200 OK\r\n/);
  });
});
