// Property-based: generated create bodies (valid, near-valid, random) are answered as the contract oracle says, never 5xx.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { checkCreate, createBody, nearValidBody, validBody, type SendRequest } from '../scripts/fuzz.js';
import { expectedErrors } from './support/contract-oracle.js';
import { startTestFake, type TestFake } from './support/fake.js';
import { KEYS } from './support/fixture-keys.js';
import { call } from './support/http.js';

/** Fixed, so that the suite is repeatable; `npm run fuzz` draws a new one each run. */
const SEED = 20_261_129;
const RUNS = 400;

describe('fuzzed creates (fast-check)', () => {
  let fake: TestFake;
  let send: SendRequest;
  before(async () => {
    fake = await startTestFake({ seed: 'none', rateLimit: 0, logLevel: 'silent' });
    send = async (method, path, body) => {
      const res = await call(fake.url, method, path, { key: KEYS.acme, ...(body === undefined ? {} : { body }) });
      return { status: res.status, text: res.text };
    };
  });
  after(() => fake.close());

  it(`answers ${RUNS} generated bodies as the oracle says: 201 with the body's fields, or 422 with its exact errors`, async (t) => {
    t.diagnostic(`fast-check seed ${SEED}, ${RUNS} runs`);
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(createBody, async (body) => {
        const status = await checkCreate(send, body, 'org_acme');
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    t.diagnostic(`statuses: ${JSON.stringify(Object.fromEntries(statuses))}`);
    // The mix must exercise both sides of the property, or it proves little.
    assert.ok((statuses.get(201) ?? 0) >= RUNS / 5, `too few 201s: ${statuses.get(201)}`);
    assert.ok((statuses.get(422) ?? 0) >= RUNS / 5, `too few 422s: ${statuses.get(422)}`);
    assert.deepEqual([...statuses.keys()].sort(), [201, 422]);
  });

  it('generates valid bodies that the oracle accepts and near-valid ones that it rejects', () => {
    const valid = fc.sample(validBody, { seed: SEED, numRuns: 300 });
    const rejected = valid.filter((body) => expectedErrors(JSON.parse(JSON.stringify(body))).length > 0);
    assert.equal(rejected.length, 0, `${rejected.length} of ${valid.length} "valid" bodies rejected`);
    const near = fc.sample(nearValidBody, { seed: SEED, numRuns: 300 });
    const accepted = near.filter((body) => expectedErrors(JSON.parse(JSON.stringify(body))).length === 0);
    assert.ok(accepted.length < near.length / 10, `${accepted.length} of ${near.length} near-valid bodies accepted`);
  });
});
