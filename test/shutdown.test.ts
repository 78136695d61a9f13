// Stopping (close(), SIGTERM): no new requests, idle connections closed at once, requests in flight
// given a short grace period and no more, then the store written.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startCli } from './support/cli.js';
import { ENVELOPES } from './support/envelopes.js';
import { startTestFake } from './support/fake.js';
import { KEYS } from './support/fixture-keys.js';
import { jsonRequest, keepAliveAgent, openConnection } from './support/raw-http.js';
import { tempDir } from './support/temp-dir.js';

/** Long enough never to decide a test: only the stop may end a connection. */
const NEVER = 600_000;

function storedClients(db: string): { id: string }[] {
  return JSON.parse(readFileSync(db, 'utf8')).clients;
}

describe('stopping', () => {
  it('closes idle connections at once and answers a request that arrives on an open connection with a 503 and Connection: close', async () => {
    const db = join(tempDir(), 'db.json');
    const fake = await startTestFake(
      { db, seed: 'none' },
      { timeouts: { headersMs: NEVER, requestMs: NEVER, keepAliveMs: NEVER, graceMs: NEVER } },
    );
    const created = await fake.create({ nameFirst: 'Kept' });
    const answeredThenIdle = await openConnection(fake.url);
    answeredThenIdle.write('GET /__admin/health HTTP/1.1\r\nHost: x\r\n\r\n');
    await answeredThenIdle.answered;
    const neverSent = await openConnection(fake.url);
    const slow = await openConnection(fake.url);
    slow.write(`POST /clients HTTP/1.1\r\nHost: x\r\nX-Api-Key: ${KEYS.acme}\r\n`);
    // A round trip on another connection: by then the server has read the half-sent headers.
    assert.equal((await fake.call('GET', '/__admin/health')).status, 200);

    const closing = fake.close();
    slow.write('Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}');
    const answer = await slow.closed;
    assert.match(answer, /^HTTP\/1\.1 503 Service Unavailable\r\n/);
    assert.match(answer, /\r\nConnection: close\r\n/i);
    assert.deepEqual(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)), ENVELOPES.STOPPING);
    assert.equal(await neverSent.closed, '');
    await answeredThenIdle.closed;
    await closing;
    assert.deepEqual(
      storedClients(db).map((c) => c.id),
      [created.body.id],
    );
  });

  it('gives a request whose body trickles in only the grace period, then ends it and writes the store', async () => {
    const db = join(tempDir(), 'db.json');
    const fake = await startTestFake(
      { db, seed: 'none' },
      { timeouts: { headersMs: NEVER, requestMs: NEVER, keepAliveMs: NEVER, graceMs: 50 } },
    );
    const created = await fake.create({ nameFirst: 'Kept' });
    const trickle = await openConnection(fake.url);
    trickle.write(
      `POST /clients HTTP/1.1\r\nHost: x\r\nX-Api-Key: ${KEYS.acme}\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n{`,
    );
    assert.equal((await fake.call('GET', '/__admin/health')).status, 200);
    await fake.close();
    assert.equal(await trickle.closed, '');
    assert.deepEqual(
      storedClients(db).map((c) => c.id),
      [created.body.id],
    );
  });

  it('SIGTERM under keep-alive load in durable mode: only the requests in flight are answered, then exit 0 with every answered create stored', async () => {
    const db = join(tempDir(), 'db.json');
    const cli = await startCli(['--port', '0', '--db', db, '--seed', 'none', '--durable', '--rate-limit', '0', '--log-level', 'warn']);
    const connections = 8;
    const agent = keepAliveAgent(connections);
    const ids: string[] = [];
    let answeredAfterSignal = 0;
    let signalled = false;
    let exited = false;
    void cli.exited.then(() => {
      exited = true;
    });
    const worker = async (): Promise<void> => {
      // Until the fake has gone, or (before the fix) long after it should have.
      while (!exited && answeredAfterSignal < 1000) {
        const res = await jsonRequest(cli.url, 'POST', '/clients', { agent, key: KEYS.acme, body: { nameFirst: 'Load' } }).catch(
          () => undefined,
        );
        if (res?.status !== 201) continue;
        ids.push(res.body.id);
        if (signalled) answeredAfterSignal++;
        if (!signalled && ids.length >= 200) {
          signalled = true;
          cli.child.kill('SIGTERM');
        }
      }
    };
    await Promise.all(Array.from({ length: connections }, worker));
    agent.destroy();
    assert.equal((await cli.exited).code, 0);
    // Only what was in flight, or sent before the fake got round to the signal (before, the load
    // went on being served until it stopped).
    assert.ok(answeredAfterSignal < 100, `${answeredAfterSignal} creates answered after the signal`);
    assert.deepEqual(new Set(storedClients(db).map((c) => c.id)), new Set(ids));
  });
});
