// node:test with the fake in the same process: create a client and a verification request for it,
// approve it as the reviewer would, then read back the detail and the client's requestCount.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startFake } from 'athenty-fake';

/** The code under test: a tiny Athenty client a team might write. */
function athenty(baseUrl, apiKey) {
  const call = async (method, path, body) => {
    const res = await fetch(`${baseUrl}/v2/api${path}`, {
      method,
      headers: { 'X-Api-Key': apiKey, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`Athenty answered ${res.status}: ${await res.text()}`);
    return res.json();
  };
  return {
    onboard: (person) =>
      call('POST', '/clients', { nameFirst: person.first, nameLast: person.last, email: person.email, memberType: 'individual' }),
    verify: (clientId) => call('POST', '/requests', { type: 'kyc', requirements: ['document', 'person', 'pep_hio'], clientId }),
    outcome: (requestId) => call('GET', `/requests/${requestId}`),
    client: (clientId) => call('GET', `/clients/${clientId}`),
  };
}

describe('a verification request, from creation to approval', () => {
  let fake;
  let api;
  before(async () => {
    fake = await startFake({ clock: '2026-01-01T00:00:00.000Z', randomSeed: 42, seed: 'none' });
    api = athenty(fake.url, fake.apiKeys.acme.key);
  });
  after(() => fake.close());
  beforeEach(() => fake.reset());

  it('is approved by the admin API, with its detail filled and the client counted', async () => {
    const client = await api.onboard({ first: 'Jane', last: 'Smith', email: 'jane@example.com' });
    const request = await api.verify(client.id);
    assert.equal(request.status, 'in_progress');
    assert.equal(request.subjectName, 'Jane Smith');

    const approved = await fake.requests.moveTo(request.id, 'approved');
    assert.equal(approved.status, 'approved');

    const detail = await api.outcome(request.id);
    assert.equal(detail.status, 'approved');
    assert.deepEqual(
      detail.steps.map((s) => [s.step, s.status]),
      [
        ['document', 'completed'],
        ['person', 'completed'],
        ['pep_hio', 'completed'],
      ],
    );
    assert.equal(detail.person.firstName, 'Jane');
    assert.equal(detail.documents.length, 1);
    assert.equal(detail.pep.isPep, false);
    assert.ok(detail.score >= 0 && detail.score <= 100);
    assert.equal((await api.client(client.id)).requestCount, 1);
  });

  it('expires when nobody completes it in time', async () => {
    const client = await api.onboard({ first: 'Late', last: 'Larry', email: 'larry@example.com' });
    const request = await api.verify(client.id);
    await fake.clock.advance(7 * 24 * 60 * 60 * 1000);
    assert.equal((await api.outcome(request.id)).status, 'expired');
  });

  it('approves on its own for a magic subject email', async () => {
    const request = await fetch(`${fake.url}/requests`, {
      method: 'POST',
      headers: { 'X-Api-Key': fake.apiKeys.acme.key, 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'idv', requirements: ['document'], subjectEmail: 'sam+approve@example.com' }),
    }).then((res) => res.json());
    await fake.clock.advance(2000);
    assert.equal((await api.outcome(request.id)).status, 'approved');
  });
});
