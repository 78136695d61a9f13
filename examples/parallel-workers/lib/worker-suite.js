// What every worker does: many creates with its own key, resetting only its own organisation, and
// checking that no other worker's data or reset ever shows up.
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { connectFake } from 'athenty-fake';

export function workerSuite({ key, orgId, seededClients }) {
  const url = process.env.ATHENTY_FAKE_URL;
  const fake = connectFake(url);
  const total = async () => (await (await fetch(`${url}/v2/api/clients`, { headers: { 'X-Api-Key': key } })).json()).pagination.total;

  describe(`worker for ${orgId}`, () => {
    beforeEach(() => fake.reset({ orgId }));

    for (let round = 1; round <= 5; round++) {
      it(`round ${round}: sees only its own clients, from its own seed`, async () => {
        assert.equal(await total(), seededClients);
        for (let i = 0; i < 20; i++) {
          const res = await fetch(`${url}/v2/api/clients`, {
            method: 'POST',
            headers: { 'X-Api-Key': key, 'Content-Type': 'application/json' },
            body: JSON.stringify({ externalId: `${orgId}-${round}-${i}` }),
          });
          assert.equal(res.status, 201);
        }
        assert.equal(await total(), seededClients + 20);
        const mine = await fake.journal.list({ orgId, method: 'POST' });
        assert.equal(mine.length, 20);
        assert.ok(mine.every((entry) => entry.orgId === orgId));
      });
    }
  });
}
