// node:test with the fake in the same process: start it once, reset it before each test.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startFake } from 'athenty-fake';

/** The code under test: a tiny Athenty client a team might write. */
async function registerCustomer(baseUrl, apiKey, customer) {
  const res = await fetch(`${baseUrl}/v2/api/clients`, {
    method: 'POST',
    headers: { 'X-Api-Key': apiKey, 'Content-Type': 'application/json' },
    body: JSON.stringify({ nameFirst: customer.first, nameLast: customer.last, email: customer.email }),
  });
  if (res.status === 429) return { retryAfter: Number(res.headers.get('retry-after')) };
  if (!res.ok) throw new Error(`Athenty answered ${res.status}`);
  return { id: (await res.json()).id };
}

describe('registerCustomer', () => {
  let fake;
  before(async () => {
    fake = await startFake({ clock: '2026-01-01T00:00:00.000Z' });
  });
  after(() => fake.close());
  beforeEach(() => fake.reset());

  it('creates the client and sends what we expect', async () => {
    const { id } = await registerCustomer(fake.url, fake.apiKeys.acme.key, { first: 'Jane', last: 'Smith', email: 'jane@example.com' });
    assert.match(id, /^clt_/);
    const [sent] = await fake.journal.list({ method: 'POST', path: '/clients' });
    assert.deepEqual(sent.requestBody, { nameFirst: 'Jane', nameLast: 'Smith', email: 'jane@example.com' });
    assert.equal(sent.status, 201);
  });

  it('reports when to retry after a 429', async () => {
    await fake.faults.add({ method: 'POST', path: '/clients', status: 429, times: 1 });
    const result = await registerCustomer(fake.url, fake.apiKeys.acme.key, { first: 'A', last: 'B', email: 'a@b.co' });
    assert.deepEqual(result, { retryAfter: 60 });
    assert.equal(await fake.journal.count({ status: 429 }), 1);
  });

  it('fails loudly on a server error', async () => {
    await fake.faults.add({ status: 503 });
    await assert.rejects(registerCustomer(fake.url, fake.apiKeys.acme.key, { first: 'A', last: 'B', email: 'a@b.co' }), /503/);
  });
});
