// node:test with the fake in the same process: subscribe our receiver, create a verification
// request, let the reviewer approve it, and check that the receiver got a correctly signed
// request.approved. No public URL, no real person, no sleeps.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFake } from 'athenty-fake';
import { startReceiver } from '../src/receiver.js';

// What Athenty's portal would show once; here we choose it, and the fake signs with it.
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

describe('our webhook receiver', () => {
  let fake;
  let receiver;
  let subscription;
  before(async () => {
    receiver = await startReceiver({ secret: SECRET });
    // --webhook and --webhook-secret as options: every seeded organisation, every event.
    fake = await startFake({ seed: 'none', webhook: [receiver.url], webhookSecret: SECRET });
    [subscription] = await fake.webhooks.list({ orgId: 'org_acme' });
  });
  after(async () => {
    await fake.close();
    await receiver.close();
  });

  it('hears that a verification request was approved, signed with our secret', async () => {
    const res = await fetch(`${fake.url}/v2/api/requests`, {
      method: 'POST',
      headers: { 'X-Api-Key': fake.apiKeys.acme.key, 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'idv', requirements: ['document'], subjectEmail: 'jane@example.com' }),
    });
    const request = await res.json();
    await fake.requests.moveTo(request.id, 'approved');

    // Resolves once the delivery was answered with a 2xx (our receiver answers 401 to a bad signature).
    const { event, delivery } = await fake.webhooks.waitFor({ type: 'request.approved', where: (e) => e.data.id === request.id });
    assert.equal(delivery.attempts.at(-1).status, 204);
    assert.equal(event.data.status, 'approved');
    assert.equal(receiver.outcomes.get(request.id), 'approved');
  });

  it('keeps working across a secret rotation: a receiver that knows only the new secret verifies', async () => {
    const rotated = await fake.webhooks.rotateSecret(subscription.id);
    const updated = await startReceiver({ secret: rotated.secret });
    try {
      // For 24 h of the fake's clock deliveries carry both signatures, so old and new receivers verify.
      await fake.webhooks.update(subscription.id, { url: updated.url });
      const ping = await fake.webhooks.ping(subscription.id);
      const { event, delivery } = await fake.webhooks.waitFor({ subscriptionId: subscription.id, where: (e) => e.test });
      assert.equal(delivery.id, ping.id);
      // A ping carries a sample of the first event type subscribed (here every one: client.created).
      assert.equal(event.type, 'client.created');
    } finally {
      await updated.close();
    }
  });
});
