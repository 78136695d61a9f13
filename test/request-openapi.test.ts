// The OpenAPI document describes the request operations, their alias paths and the admin moves.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withFake } from './support/fake.js';

describe('OpenAPI documents: verification requests', () => {
  it('describe the three operations at /requests, the /verifications alias, and the admin moves', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    const doc = (await fake.call('GET', '/openapi.json')).body;
    assert.deepEqual(
      [doc.paths['/requests'].post.operationId, doc.paths['/requests'].get.operationId, doc.paths['/requests/{id}'].get.operationId],
      ['createRequest', 'listRequests', 'getRequest'],
    );
    assert.deepEqual(doc.paths['/requests'].post.requestBody.content['application/json'].schema, {
      $ref: '#/components/schemas/CreateRequestBody',
    });
    assert.deepEqual(doc.paths['/requests/{id}'].get.responses['200'].content['application/json'].schema, {
      $ref: '#/components/schemas/RequestDetail',
    });
    assert.ok(doc.paths['/requests'].post.responses['201'].headers.Location);
    // The documented answers of each operation (REQUESTS.md), with the fake's 400, 413 and 415 on create.
    assert.deepEqual(Object.keys(doc.paths['/requests'].post.responses), ['201', '400', '401', '402', '403', '413', '415', '422', '429']);
    assert.deepEqual(Object.keys(doc.paths['/requests'].get.responses), ['200', '401', '402', '403', '422', '429']);
    assert.deepEqual(Object.keys(doc.paths['/requests/{id}'].get.responses), ['200', '401', '402', '403', '404', '429']);
    assert.deepEqual(doc.paths['/requests'].post.responses['422'], { $ref: '#/components/responses/ValidationError' });
    assert.deepEqual([doc.paths['/requests'].post.tags, doc.paths['/verifications/{id}'].get.tags], [['Requests'], ['Requests']]);
    assert.ok(doc['x-athenty-fake'].additions.includes('/verifications answers as /requests (described as "Same as ...").'));
    const { operationId: _id, ...post } = doc.paths['/requests'].post;
    assert.deepEqual(doc.paths['/verifications'].post, { ...post, description: 'Same as /requests.' });
    assert.equal(doc.paths['/verifications/{id}'].get.description, 'Same as /requests/{id}.');
    assert.deepEqual(
      doc.paths['/requests'].get.parameters.map((p: { name: string }) => p.name),
      ['status', 'type', 'clientId', 'page', 'limit'],
    );
    assert.deepEqual(doc.components.schemas.Request.required.slice(0, 4), ['id', 'orgId', 'type', 'status']);

    const admin = (await fake.call('GET', '/__admin/openapi.json')).body;
    assert.ok(admin.paths['/__admin/requests/{id}/complete-step'].post);
    assert.deepEqual(admin.paths['/__admin/requests/{id}/status'].post.requestBody.content['application/json'].schema, {
      $ref: '#/components/schemas/RequestMove',
    });
  });
});
