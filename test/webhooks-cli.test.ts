// Webhooks through the built CLI: --webhook and its generated secret on stderr, bad values refused,
// and --durable deliveries that survive a SIGKILL between the API answer and the delivery.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { connectFake } from '../src/index.js';
import { runCli, startCli } from './support/cli.js';
import { call } from './support/http.js';
import { KEYS } from './support/fixture-keys.js';
import { NO_CONTENT, startReceiver, verified } from './support/receiver.js';
import { tempDir } from './support/temp-dir.js';
import { until } from './support/until.js';

const BANNER = /^Webhooks \(--webhook (\S+)\) for org_acme, org_globex, signed with: (whsec_\S+)$/m;

describe('webhooks from the command line', () => {
  it('refuses a --webhook that is not http or https and a malformed --webhook-secret, in one line', async () => {
    const url = await runCli(['--port', '0', '--db', 'memory', '--webhook', 'ftp://example.com/hooks']);
    assert.equal(url.code, 1);
    assert.equal(url.stderr, 'athenty-fake: --webhook: expected an http or https URL, got "ftp://example.com/hooks"\n');
    const secret = await runCli(['--port', '0', '--db', 'memory'], { ATHENTY_FAKE_WEBHOOK_SECRET: 'swordfish' });
    assert.equal(secret.code, 1);
    assert.match(secret.stderr, /^athenty-fake: ATHENTY_FAKE_WEBHOOK_SECRET: expected whsec_ followed by base64/);
  });

  it('a store file made without --webhook gets its subscriptions on a later start, once, and keeps them when the flag is gone', async (t) => {
    const db = join(tempDir(), 'db.json');
    const receiver = await startReceiver(t);
    const args = ['--port', '0', '--db', db];
    const subscriptions = async (url: string) =>
      (await connectFake(url).webhooks.list()).map(({ orgId, url: to, events, description, active }) => ({
        orgId,
        url: to,
        events,
        description,
        active,
      }));
    const expected = ['org_acme', 'org_globex'].map((orgId) => ({
      orgId,
      url: receiver.url,
      events: ['*'],
      description: 'athenty-fake --webhook',
      active: true,
    }));

    const first = await startCli(args);
    t.after(() => first.kill());
    assert.deepEqual(await subscriptions(first.url), []);
    assert.equal(await first.stop(), 0);

    const second = await startCli([...args, '--webhook', receiver.url]);
    t.after(() => second.kill());
    assert.deepEqual(await subscriptions(second.url), expected);
    await until(() => BANNER.test(second.stderr()));
    const generated = BANNER.exec(second.stderr())?.[2] as string;
    const created = await call(second.url, 'POST', '/clients', { key: KEYS.acme, body: { nameFirst: 'Later' } });
    assert.equal(created.status, 201);
    const delivered = verified(generated, await receiver.nth(1)) as { type: string; data: unknown };
    assert.equal(delivered.type, 'client.created');
    assert.deepEqual(delivered.data, created.body);
    await connectFake(second.url).webhooks.waitFor({ type: 'client.created' });
    assert.equal(await second.stop(), 0);

    // The same flag again, now with a secret of the user's: not subscribed twice, signed with it.
    const given = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
    const third = await startCli([...args, '--webhook', receiver.url, '--webhook-secret', given]);
    t.after(() => third.kill());
    assert.deepEqual(await subscriptions(third.url), expected);
    await until(() => BANNER.test(third.stderr()));
    assert.equal(BANNER.exec(third.stderr())?.[2], given);
    const again = await call(third.url, 'POST', '/clients', { key: KEYS.acme, body: { nameFirst: 'Again' } });
    assert.equal(again.status, 201);
    assert.deepEqual((verified(given, await receiver.nth(2)) as { data: unknown }).data, again.body);
    assert.equal(await third.stop(), 0);

    // Without the flag the stored subscriptions stay: they are the store's data.
    const fourth = await startCli(args);
    t.after(() => fourth.stop());
    assert.deepEqual(await subscriptions(fourth.url), expected);
  });

  it('--durable: a delivery cut short by SIGKILL after the 201 goes out again after a restart, signed with the secret printed at start-up', async (t) => {
    const db = join(tempDir(), 'db.json');
    const receiver = await startReceiver(t, () => {});
    const args = ['--port', '0', '--db', db, '--durable', '--random-seed', '7'];
    // The URL from the environment, space-separated like several would be.
    const first = await startCli(args, { ATHENTY_FAKE_WEBHOOK: ` ${receiver.url} ` });
    t.after(() => first.kill());
    // The banner follows the ready line on stderr.
    await until(() => BANNER.test(first.stderr()));
    const banner = BANNER.exec(first.stderr());
    assert.ok(banner, first.stderr());
    assert.equal(banner[1], receiver.url);
    const secret = banner[2] as string;

    const created = await call(first.url, 'POST', '/clients', { key: KEYS.acme, body: { nameFirst: 'Survivor' } });
    assert.equal(created.status, 201);
    const cutShort = await receiver.nth(1);
    // The receiver has the delivery but has not answered: the fake dies now.
    await first.kill();

    receiver.answerWith(NO_CONTENT);
    const second = await startCli([...args, '--webhook', receiver.url]);
    t.after(() => second.stop());
    await until(() => BANNER.test(second.stderr()));
    assert.equal(BANNER.exec(second.stderr())?.[2], secret, 'the stored subscriptions keep their secret');
    const again = await receiver.nth(2);
    assert.equal(again.headers['webhook-id'], cutShort.headers['webhook-id']);
    const payload = verified(secret, again) as { data: unknown; metadata: unknown };
    assert.deepEqual(payload.data, created.body);
    assert.deepEqual(payload.metadata, { test: false, delivery_attempt: 1 });
    const { delivery } = await connectFake(second.url).webhooks.waitFor({ type: 'client.created', orgId: 'org_acme' });
    assert.deepEqual(
      delivery.attempts.map((a) => a.status),
      [204],
    );
    assert.equal((await connectFake(second.url).webhooks.list()).length, 2, 'not subscribed twice');
  });
});
