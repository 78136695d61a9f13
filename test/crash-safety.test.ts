// Crash safety: SIGKILL in the middle of write bursts (clients and linked requests) never leaves an unreadable store, a fake that cannot restart or a
// requestCount out of step with the requests; --durable loses no acknowledged create.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { crashLoop, killPoint } from '../scripts/crash-loop.js';
import { tempDir } from './support/temp-dir.js';

const ITERATIONS = 20;

describe('crash safety (the built CLI, SIGKILLed during write bursts)', () => {
  it(`survives ${ITERATIONS} kills, half of them in --durable mode: the file always parses, the fake always restarts, durable loses nothing acknowledged`, async (t) => {
    const db = join(tempDir(), 'db.json');
    const results = await crashLoop(db, ITERATIONS, (i, r) =>
      t.diagnostic(
        `#${i + 1} ${r.durable ? 'durable' : 'write-behind'}, killed ${r.killOn === 'acknowledged' ? 'at once' : 'at a store write'}${r.killedMidWrite ? ' (mid-write)' : ''}: ` +
          `${r.acknowledged} acknowledged (${r.requestsAcknowledged} requests), ${r.clientsInFile} clients and ${r.requestsInFile} requests in the file, ${r.lost.length} lost`,
      ),
    );
    assert.equal(results.length, ITERATIONS);
    assert.equal(results.filter((r) => r.durable).length, ITERATIONS / 2);
    results.forEach((r, i) => {
      assert.deepEqual(r.unexpected, [], `#${i + 1}: only 201s before the kill`);
      assert.ok(r.acknowledged >= killPoint(i), `#${i + 1}: killed after ${killPoint(i)} acknowledged creates`);
      assert.ok(r.requestsAcknowledged > 0, `#${i + 1}: the burst created requests too`);
      // One atomic write: never a request without its client's count, nor a count without its request.
      assert.deepEqual(r.countMismatches, [], `#${i + 1}: every requestCount equals the requests in the file`);
      // Write-behind may lose the last ~100 ms of creates (README), but never alters one it kept.
      assert.deepEqual(r.changed, [], `#${i + 1}: surviving clients and requests are stored as acknowledged`);
      if (r.durable) assert.deepEqual(r.lost, [], `#${i + 1}: --durable keeps every acknowledged create`);
    });
  });
});
