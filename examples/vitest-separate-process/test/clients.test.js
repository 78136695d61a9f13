// vitest against a fake in another process: reset before each test through the admin API.
import { connectFake } from 'athenty-fake';
import { beforeEach, describe, expect, inject, it } from 'vitest';

const url = inject('fakeUrl');
const fake = connectFake(url);
const KEY = 'ath_test_acme_7Kq2mV9xR4tLp8Zc';

async function listClients(query = '') {
  const res = await fetch(`${url}/v2/api/clients${query}`, { headers: { 'X-Api-Key': KEY } });
  return { status: res.status, body: await res.json() };
}

describe('clients', () => {
  beforeEach(() => fake.reset());

  it('starts each test from the seeded clients', async () => {
    await fetch(`${url}/v2/api/clients`, {
      method: 'POST',
      headers: { 'X-Api-Key': KEY, 'Content-Type': 'application/json' },
      body: JSON.stringify({ businessName: 'Temp Ltd', memberType: 'business' }),
    });
    expect((await listClients()).body.pagination.total).toBe(3);
  });

  it('is back to two clients after the reset', async () => {
    expect((await listClients()).body.pagination.total).toBe(2);
  });

  it('lets a test move time', async () => {
    await fake.clock.set('2027-02-02T00:00:00.000Z', { frozen: true });
    const res = await fetch(`${url}/v2/api/clients`, {
      method: 'POST',
      headers: { 'X-Api-Key': KEY, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect((await res.json()).createdAt).toBe('2027-02-02T00:00:00.000Z');
  });

  it('sees the real validation errors', async () => {
    const { status, body } = await listClients('?limit=500');
    expect(status).toBe(422);
    expect(body.errors).toEqual([{ field: 'limit', message: 'Number must be less than or equal to 100' }]);
  });
});
