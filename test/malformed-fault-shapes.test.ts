// A malformed fault answers half of what the operation would answer: half a record for a create or
// a read, half a page for a list, with the operation's status.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withFake } from './support/fake.js';
import { KEYS } from './support/fixture-keys.js';

describe('malformed faults', () => {
  // [method, path, body, status, how the text starts]
  const CASES: [string, string, unknown, number, string][] = [
    ['POST', '/clients', { nameFirst: 'Half' }, 201, '{"id":"clt_'],
    ['GET', '/clients', undefined, 200, '{"data":[{"id":"clt_'],
    ['GET', '/clients/clt_01ke6qvwe0mc8vacm19w6xg3jk', undefined, 200, '{"id":"clt_'],
    ['GET', '/v2/api/clients/clt_01ke6qvwe0mc8vacm19w6xg3jk', undefined, 200, '{"id":"clt_'],
    ['POST', '/requests', { type: 'idv', requirements: ['document'] }, 201, '{"id":"req_'],
    ['GET', '/requests', undefined, 200, '{"data":[{"id":"req_'],
    ['GET', '/verifications/req_01ke6qvwe0mc8vacm19w6xg3jk', undefined, 200, '{"id":"req_'],
  ];
  for (const [method, path, body, status, start] of CASES) {
    it(`${method} ${path}: ${status}, half of the operation's own shape`, async (t) => {
      const fake = await withFake(t, { seed: 'none' });
      await fake.faults.add({ method, path, network: 'malformed' });
      const res = await fake.call(method, path, { key: KEYS.acme, body });
      assert.equal(res.status, status);
      assert.ok(res.text.startsWith(start), res.text);
      assert.equal(res.body, undefined, 'the JSON must be cut short');
      if (!start.startsWith('{"data"')) assert.ok(!res.text.includes('"data"'), res.text);
    });
  }
});
