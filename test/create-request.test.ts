// POST /requests: the 201 answer in contract order, defaults, Location, the client link in one
// write, the documented 422 word for word, strict mode, and the /verifications and /v2/api paths.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withFake } from './support/fake.js';
import { KEYS, SEEDED_IDS } from './support/fixture-keys.js';
import { ACCESS_TOKEN, ACME_REQUESTOR, FROZEN_AT, REQUEST_ID, REQUEST_KEYS } from './support/requests.js';

const EXPIRES_IN_7_DAYS = '2026-03-11T05:06:07.089Z';

describe('POST /requests', () => {
  it('answers 201 with the Request: keys in contract order, defaults, requestor from the profile, Location', async (t) => {
    const fake = await withFake(t, { clock: FROZEN_AT, randomSeed: 7 });
    const res = await fake.call('POST', '/requests', {
      key: KEYS.acme,
      body: {
        type: 'idv',
        requirements: ['document', 'person', 'biometric_face'],
        subjectName: 'Jane Smith',
        subjectEmail: 'jane@example.com',
      },
    });
    assert.equal(res.status, 201);
    assert.deepEqual(Object.keys(res.body), REQUEST_KEYS);
    assert.match(res.body.id, REQUEST_ID);
    assert.match(res.body.accessToken, ACCESS_TOKEN);
    assert.equal(res.headers.get('location'), `/requests/${res.body.id}`);
    assert.deepEqual(res.body, {
      id: res.body.id,
      orgId: 'org_acme',
      type: 'idv',
      status: 'in_progress',
      requirements: ['document', 'person', 'biometric_face'],
      currentStep: 'document',
      subjectName: 'Jane Smith',
      subjectEmail: 'jane@example.com',
      subjectPhone: null,
      ...ACME_REQUESTOR,
      clientId: null,
      matterId: null,
      expiresDays: 7,
      expiresAt: EXPIRES_IN_7_DAYS,
      submittedAt: null,
      accessToken: res.body.accessToken,
      createdAt: FROZEN_AT,
      updatedAt: FROZEN_AT,
    });
    const [journaled] = await fake.journal.list({ method: 'POST', path: '/requests' });
    assert.equal(journaled?.status, 201);
    assert.equal(journaled?.orgId, 'org_acme');
    assert.deepEqual(journaled?.responseBody, res.body);
  });

  it('keeps every field given; without a subject email it is initiated', async (t) => {
    const fake = await withFake(t, { clock: FROZEN_AT, seed: 'none' });
    const res = await fake.call('POST', '/requests', {
      key: KEYS.globex,
      body: {
        type: 'kyc',
        requirements: ['financial', 'pep_hio'],
        matterId: '0b6c1f0e-3d2a-4c8e-9f1a-2b3c4d5e6f70',
        subjectName: null,
        subjectPhone: '+1 416 555 0100',
        expiresDays: 30,
        config: { financial: { provider: 'flinks' } },
        thirdParties: [{ name: 'Auditor', email: 'audit@example.com', org: 'Audit LLP', sharedFields: ['score'], extra: true }],
        id: 'req_mine',
        status: 'approved',
      },
    });
    assert.equal(res.status, 201);
    assert.equal(res.body.orgId, 'org_globex');
    assert.equal(res.body.status, 'initiated');
    assert.equal(res.body.matterId, '0b6c1f0e-3d2a-4c8e-9f1a-2b3c4d5e6f70');
    assert.equal(res.body.subjectPhone, '+1 416 555 0100');
    assert.equal(res.body.expiresDays, 30);
    assert.equal(res.body.expiresAt, '2026-04-03T05:06:07.089Z');
    assert.equal(res.body.requestorCompany, 'Globex Corporation');
    assert.match(res.body.id, REQUEST_ID);
    const stored = (await fake.state.export()).requests[0];
    assert.deepEqual(stored?.config, { financial: { provider: 'flinks' } });
    assert.deepEqual(stored?.thirdParties, [{ name: 'Auditor', email: 'audit@example.com', org: 'Audit LLP', sharedFields: ['score'] }]);
  });

  it('answers the documented 422 word for word', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    const res = await fake.call('POST', '/requests', { key: KEYS.acme, body: { requirements: [] } });
    assert.equal(res.status, 422);
    assert.equal(
      res.text,
      '{"code":"VALIDATION_ERROR","message":"Validation failed","statusCode":422,"errors":[{"field":"type","message":"Required"},{"field":"requirements","message":"Array must contain at least 1 element(s)"}]}',
    );
  });

  it("words every field's problem as Zod does, nested paths dotted, in the body's key order", async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    const res = await fake.call('POST', '/requests', {
      key: KEYS.acme,
      body: {
        type: 'aml',
        requirements: ['document', 'selfie'],
        matterId: 'm-1',
        subjectName: 'x'.repeat(129),
        subjectEmail: 'not-an-email',
        subjectPhone: 5,
        expiresDays: 91,
        config: [],
        thirdParties: [{ email: 'bad' }],
      },
    });
    assert.deepEqual(res.body, {
      code: 'VALIDATION_ERROR',
      message: 'Validation failed',
      statusCode: 422,
      errors: [
        { field: 'type', message: "Invalid enum value. Expected 'idv' | 'kyc' | 'share', received 'aml'" },
        {
          field: 'requirements.1',
          message:
            "Invalid enum value. Expected 'document' | 'person' | 'location' | 'contact' | 'biometric_face' | 'business' | 'pep_hio' | 'financial' | 'consent' | 'attestation' | 'estate', received 'selfie'",
        },
        { field: 'matterId', message: 'Invalid uuid' },
        { field: 'subjectName', message: 'String must contain at most 128 character(s)' },
        { field: 'subjectEmail', message: 'Invalid email' },
        { field: 'subjectPhone', message: 'Expected string, received number' },
        { field: 'expiresDays', message: 'Number must be less than or equal to 90' },
        { field: 'config', message: 'Expected object, received array' },
        { field: 'thirdParties.0.name', message: 'Required' },
        { field: 'thirdParties.0.email', message: 'Invalid email' },
      ],
    });
    assert.equal((await fake.state.export()).requests.length, 0, 'an error answer changes nothing');
  });

  it('links a client of the organisation: subject from the client, its count and updatedAt in the same write', async (t) => {
    const fake = await withFake(t, { clock: FROZEN_AT });
    const res = await fake.call('POST', '/requests', {
      key: KEYS.acme,
      body: { type: 'kyc', requirements: ['document', 'person', 'financial', 'pep_hio'], clientId: SEEDED_IDS[0] },
    });
    assert.equal(res.status, 201);
    assert.equal(res.body.clientId, SEEDED_IDS[0]);
    assert.equal(res.body.subjectName, 'Jane Smith');
    assert.equal(res.body.subjectEmail, 'jane@example.com');
    assert.equal(res.body.status, 'in_progress');
    const client = await fake.call('GET', `/clients/${SEEDED_IDS[0]}`, { key: KEYS.acme });
    assert.equal(client.body.requestCount, 1);
    assert.equal(client.body.updatedAt, FROZEN_AT);
    const business = await fake.call('POST', '/requests', {
      key: KEYS.acme,
      body: { type: 'kyc', requirements: ['business'], clientId: SEEDED_IDS[1], subjectEmail: null, subjectName: 'Legal dept' },
    });
    assert.equal(business.body.subjectName, 'Legal dept', 'the body wins over the client');
    assert.equal(business.body.subjectEmail, null);
    assert.equal(business.body.status, 'initiated');
  });

  it("answers 422 Client not found for an unknown or another organisation's client, and changes nothing", async (t) => {
    const fake = await withFake(t);
    for (const [key, clientId] of [
      [KEYS.acme, 'clt_01j9abc456'],
      [KEYS.globex, SEEDED_IDS[0]],
      [KEYS.acme, '0b6c1f0e-3d2a-4c8e-9f1a-2b3c4d5e6f70'],
    ] as const) {
      const res = await fake.call('POST', '/requests', { key, body: { type: 'idv', requirements: ['document'], clientId } });
      assert.deepEqual(res.body, {
        code: 'VALIDATION_ERROR',
        message: 'Validation failed',
        statusCode: 422,
        errors: [{ field: 'clientId', message: 'Client not found' }],
      });
    }
    const state = await fake.state.export();
    assert.equal(state.requests.length, 0);
    assert.equal(state.clients[0]?.requestCount, 0);
  });

  it('rejects unknown and read-only keys in strict mode', async (t) => {
    const fake = await withFake(t, { seed: 'none', strict: true });
    const res = await fake.call('POST', '/requests', {
      key: KEYS.acme,
      body: { type: 'idv', requirements: ['consent'], status: 'approved', foo: 1 },
    });
    assert.deepEqual(res.body.errors, [{ field: '', message: "Unrecognized key(s) in object: 'status', 'foo'" }]);
  });

  for (const path of ['/verifications', '/v2/api/requests', '/v2/api/verifications']) {
    it(`is served at ${path} too, Location as the client wrote the path`, async (t) => {
      const fake = await withFake(t, { seed: 'none' });
      const res = await fake.call('POST', path, { key: KEYS.acme, body: { type: 'share', requirements: ['consent'] } });
      assert.equal(res.status, 201);
      assert.equal(res.headers.get('location'), `${path}/${res.body.id}`);
      const got = await fake.call('GET', `${path}/${res.body.id}`, { key: KEYS.acme });
      assert.equal(got.status, 200);
      assert.equal(got.body.id, res.body.id);
      const list = await fake.call('GET', path, { key: KEYS.acme });
      assert.deepEqual(
        list.body.data.map((r: { id: string }) => r.id),
        [res.body.id],
      );
    });
  }
});
