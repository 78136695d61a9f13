// Whose store file it is: one running fake per file (a lock beside it, taken over from a process that
// is gone), a file the fake may not write is refused rather than replaced, and a store file that
// exists keeps what it holds, even nothing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startFake } from '../src/index.js';
import { runCli, runCliWithFilePermissions, startCli } from './support/cli.js';
import { withFake } from './support/fake.js';
import { KEYS } from './support/fixture-keys.js';
import { tempDir } from './support/temp-dir.js';

/** The id of a process that has exited. */
function deadPid(): number {
  const { pid } = spawnSync(process.execPath, ['-e', '']);
  assert.ok(pid !== undefined && pid > 0);
  return pid;
}

describe('one fake per store file', () => {
  it('refuses to start on a store file another fake in this process holds, and starts once it is closed', async (t) => {
    const db = join(tempDir(), 'db.json');
    const first = await withFake(t, { db });
    assert.equal(readFileSync(`${db}.lock`, 'utf8'), `${process.pid}\n`);
    await assert.rejects(startFake({ db, logLevel: 'silent' }), {
      name: 'StartupError',
      message: `store file ${db} is in use by another athenty-fake (pid ${process.pid}, lock file ${db}.lock); stop it or use another --db`,
    });
    await first.close();
    assert.equal(existsSync(`${db}.lock`), false);
    const second = await withFake(t, { db });
    assert.equal((await second.call('GET', '/clients', { key: KEYS.acme })).body.pagination.total, 2);
  });

  it('the CLI: one line naming the file and the process that holds it, exit 1, the file untouched', async (t) => {
    const db = join(tempDir(), 'db.json');
    const running = await startCli(['--port', '0', '--db', db, '--log-level', 'silent']);
    t.after(() => running.stop());
    const fileBefore = readFileSync(db, 'utf8');
    const holder = Number(readFileSync(`${db}.lock`, 'utf8'));
    const second = await runCli(['--port', '0', '--db', db]);
    assert.equal(second.code, 1);
    assert.equal(second.stdout, '');
    assert.equal(
      second.stderr,
      `athenty-fake: store file ${db} is in use by another athenty-fake (pid ${holder}, lock file ${db}.lock); stop it or use another --db\n`,
    );
    assert.equal(readFileSync(db, 'utf8'), fileBefore);
    assert.equal(await running.stop(), 0);
    assert.equal(existsSync(`${db}.lock`), false);
  });

  it('takes over a lock left by a process that is gone, or by an earlier process with this id (a restarted container)', async (t) => {
    for (const holder of [deadPid(), process.pid, 'half-written']) {
      const db = join(tempDir(), 'db.json');
      writeFileSync(`${db}.lock`, holder === 'half-written' ? '' : `${holder}\n`);
      const fake = await withFake(t, { db });
      assert.equal(readFileSync(`${db}.lock`, 'utf8'), `${process.pid}\n`);
      await fake.close();
      assert.equal(existsSync(`${db}.lock`), false);
    }
  });
});

describe('a store file the fake may not write', () => {
  it('is refused with one line naming it, not silently replaced', async () => {
    const dir = tempDir();
    const db = join(dir, 'db.json');
    const content = '{"clients":[\n],"requests":[\n]}\n';
    writeFileSync(db, content);
    chmodSync(db, 0o444);
    const { code, stdout, stderr } = await runCliWithFilePermissions(['--port', '0', '--db', db]);
    chmodSync(db, 0o644);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.equal(stderr, `athenty-fake: store file ${db} cannot be written (permission denied); it was left untouched\n`);
    assert.equal(readFileSync(db, 'utf8'), content);
    assert.equal(existsSync(`${db}.lock`), false);
  });
});

describe('a store file that holds no record', () => {
  it('keeps holding none after a restart: only a new store file is seeded', async (t) => {
    const db = join(tempDir(), 'db.json');
    const first = await withFake(t, { db });
    assert.equal((await first.call('GET', '/clients', { key: KEYS.acme })).body.pagination.total, 2);
    assert.equal((await first.call('PUT', '/__admin/state', { body: { clients: [], requests: [] } })).status, 200);
    await first.close();

    const second = await withFake(t, { db });
    assert.equal((await second.call('GET', '/clients', { key: KEYS.acme })).body.pagination.total, 0);
    await second.close();
    assert.deepEqual(JSON.parse(readFileSync(db, 'utf8')), {
      clients: [],
      requests: [],
      webhooks: [],
      webhookEvents: [],
      webhookDeliveries: [],
    });
  });
});
