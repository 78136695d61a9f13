// Property-based: generated POST /requests bodies (valid, near-valid, random) are answered as the Zod oracle says, never 5xx.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { SendRequest } from '../scripts/fuzz.js';
import {
  checkRequestCreate,
  prepareRequestCampaign,
  requestBodies,
  storedExtrasDiffer,
  type RequestCampaign,
} from '../scripts/fuzz-requests.js';
import { startTestFake, type TestFake } from './support/fake.js';
import { KEYS } from './support/fixture-keys.js';
import { call } from './support/http.js';
import { expectedRequestErrors, parseRequestBody, type ParsedRequestBody } from './support/requests-oracle.js';

/** Fixed, so that the suite is repeatable; `npm run fuzz -- --resource requests` draws a new one each run. */
const SEED = 20_261_130;
const RUNS = 400;

describe('the requests oracle (Zod 3, from REQUESTS.md)', () => {
  it('gives the documented 422 example word for word', () => {
    assert.deepStrictEqual(parseRequestBody({ requirements: [] }).errors, [
      { field: 'type', message: 'Required' },
      { field: 'requirements', message: 'Array must contain at least 1 element(s)' },
    ]);
  });

  it('accepts both documented examples, with expiresDays 7 by default', () => {
    const first = parseRequestBody({
      type: 'idv',
      requirements: ['document', 'person', 'biometric_face'],
      subjectName: 'Jane Smith',
      subjectEmail: 'jane@example.com',
      expiresDays: 7,
    });
    assert.ok(first.ok);
    const second = parseRequestBody({
      type: 'kyc',
      requirements: ['document', 'person', 'financial', 'pep_hio'],
      clientId: 'clt_01j9abc456',
    });
    assert.ok(second.ok);
    assert.equal(second.value.expiresDays, 7);
    // The docs' own client id names no client of the fake's organisations.
    assert.deepEqual(expectedRequestErrors({ type: 'kyc', requirements: ['document'], clientId: 'clt_01j9abc456' }, new Set()), [
      { field: 'clientId', message: 'Client not found' },
    ]);
  });

  // Table-driven: the Zod words the fake must reproduce, field by field.
  const cases: [string, unknown, { field: string; message: string }[]][] = [
    [
      'a wrong type',
      { type: 'IDV', requirements: ['document'] },
      [{ field: 'type', message: "Invalid enum value. Expected 'idv' | 'kyc' | 'share', received 'IDV'" }],
    ],
    [
      'an unknown requirement',
      { type: 'idv', requirements: ['document', 'selfie'] },
      [
        {
          field: 'requirements.1',
          message:
            "Invalid enum value. Expected 'document' | 'person' | 'location' | 'contact' | 'biometric_face' | 'business' | 'pep_hio' | 'financial' | 'consent' | 'attestation' | 'estate', received 'selfie'",
        },
      ],
    ],
    ['a non-uuid matterId', { type: 'idv', requirements: ['document'], matterId: 'm-1' }, [{ field: 'matterId', message: 'Invalid uuid' }]],
    [
      'a subjectName of 129',
      { type: 'idv', requirements: ['document'], subjectName: 'x'.repeat(129) },
      [{ field: 'subjectName', message: 'String must contain at most 128 character(s)' }],
    ],
    [
      'a subjectName of 65 emoji (130 UTF-16 units)',
      { type: 'idv', requirements: ['document'], subjectName: '😀'.repeat(65) },
      [{ field: 'subjectName', message: 'String must contain at most 128 character(s)' }],
    ],
    [
      'a subjectPhone of 33',
      { type: 'idv', requirements: ['document'], subjectPhone: '1'.repeat(33) },
      [{ field: 'subjectPhone', message: 'String must contain at most 32 character(s)' }],
    ],
    [
      'expiresDays 0',
      { type: 'idv', requirements: ['document'], expiresDays: 0 },
      [{ field: 'expiresDays', message: 'Number must be greater than or equal to 1' }],
    ],
    [
      'expiresDays 91',
      { type: 'idv', requirements: ['document'], expiresDays: 91 },
      [{ field: 'expiresDays', message: 'Number must be less than or equal to 90' }],
    ],
    [
      'expiresDays 1.5',
      { type: 'idv', requirements: ['document'], expiresDays: 1.5 },
      [{ field: 'expiresDays', message: 'Expected integer, received float' }],
    ],
    [
      'expiresDays null',
      { type: 'idv', requirements: ['document'], expiresDays: null },
      [{ field: 'expiresDays', message: 'Expected number, received null' }],
    ],
    [
      'config as an array',
      { type: 'idv', requirements: ['document'], config: [] },
      [{ field: 'config', message: 'Expected object, received array' }],
    ],
    [
      'a third party without a name and with a bad email',
      { type: 'share', requirements: ['document'], thirdParties: [{ email: 'x' }] },
      [
        { field: 'thirdParties.0.name', message: 'Required' },
        { field: 'thirdParties.0.email', message: 'Invalid email' },
      ],
    ],
    [
      'sharedFields with a number',
      { type: 'share', requirements: ['document'], thirdParties: [{ name: 'A', email: 'a@example.com', sharedFields: [1] }] },
      [{ field: 'thirdParties.0.sharedFields.0', message: 'Expected string, received number' }],
    ],
  ];
  for (const [name, body, errors] of cases) {
    it(`reports ${name}`, () => assert.deepStrictEqual(expectedRequestErrors(body, new Set()), errors));
  }

  it('generates valid bodies that the oracle accepts and near-valid ones that it rejects', () => {
    const ids = new Set(['clt_a', 'clt_b']);
    const bodies = requestBodies([...ids], ['clt_other']);
    const valid = fc.sample(bodies.valid, { seed: SEED, numRuns: 300 });
    const rejected = valid.filter((body) => expectedRequestErrors(JSON.parse(JSON.stringify(body)), ids).length > 0);
    assert.equal(rejected.length, 0, `${rejected.length} of ${valid.length} "valid" bodies rejected`);
    const near = fc.sample(bodies.nearValid, { seed: SEED, numRuns: 300 });
    const accepted = near.filter((body) => expectedRequestErrors(JSON.parse(JSON.stringify(body)), ids).length === 0);
    assert.ok(accepted.length < near.length / 10, `${accepted.length} of ${near.length} near-valid bodies accepted`);
  });

  it('accepts null for every optional string, and drops unknown keys unless strict', () => {
    const body = {
      type: 'idv',
      requirements: ['document'],
      clientId: null,
      matterId: null,
      subjectName: null,
      subjectEmail: null,
      subjectPhone: null,
      status: 'approved',
    };
    assert.deepEqual(expectedRequestErrors(body, new Set()), []);
    assert.deepEqual(expectedRequestErrors(body, new Set(), true), [{ field: '', message: "Unrecognized key(s) in object: 'status'" }]);
  });
});

describe('fuzzed request creates (fast-check)', () => {
  let fake: TestFake;
  let send: SendRequest;
  let campaign: RequestCampaign;
  before(async () => {
    fake = await startTestFake({ seed: 'none', rateLimit: 0, logLevel: 'silent' });
    const sender =
      (key: string): SendRequest =>
      async (method, path, body) => {
        const res = await call(fake.url, method, path, { key, ...(body === undefined ? {} : { body }) });
        return { status: res.status, text: res.text };
      };
    send = sender(KEYS.acme);
    campaign = await prepareRequestCampaign(send, sender(KEYS.globex), 'org_acme');
  });
  after(() => fake.close());

  it("names the organisation's profile as the requestor", () => {
    for (const value of Object.values(campaign.context.requestor)) assert.equal(typeof value, 'string');
  });

  it(`answers ${RUNS} generated bodies as the oracle says: 201 with the body's fields, or 422 with its exact errors`, async (t) => {
    t.diagnostic(`fast-check seed ${SEED}, ${RUNS} runs`);
    const statuses = new Map<number, number>();
    const accepted = new Map<string, ParsedRequestBody>();
    await fc.assert(
      fc.asyncProperty(campaign.bodies.any, async (body) => {
        const status = await checkRequestCreate(send, body, campaign.context, accepted);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    t.diagnostic(`statuses: ${JSON.stringify(Object.fromEntries(statuses))}`);
    // The mix must exercise both sides of the property, or it proves little.
    assert.ok((statuses.get(201) ?? 0) >= RUNS / 5, `too few 201s: ${statuses.get(201)}`);
    assert.ok((statuses.get(422) ?? 0) >= RUNS / 5, `too few 422s: ${statuses.get(422)}`);
    assert.deepEqual([...statuses.keys()].sort(), [201, 422]);
    // config and thirdParties are kept by the store only: the export shows them.
    const exported = await fake.call('GET', '/__admin/state');
    assert.deepEqual(storedExtrasDiffer(exported.body.requests, accepted), [], 'stored config and thirdParties as Zod reads them');
  });
});
