// The OpenAPI 3.1 documents: built from the very schema files the validator uses, every $ref resolvable.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startTestFake, type TestFake } from './support/fake.js';

function refsOf(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const n of node) refsOf(n, out);
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.push(value);
      else refsOf(value, out);
    }
  }
  return out;
}

function resolve(document: unknown, ref: string): unknown {
  assert.ok(ref.startsWith('#/'), ref);
  return ref
    .slice(2)
    .split('/')
    .reduce<unknown>(
      (node, part) => (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')],
      document,
    );
}

describe('OpenAPI documents', () => {
  let fake: TestFake;
  before(async () => {
    fake = await startTestFake({ seed: 'none', adminToken: 'tok-123456' });
  });
  after(() => fake.close());

  it('GET /openapi.json describes the three client operations without an API key', async () => {
    const res = await fake.call('GET', '/openapi.json');
    assert.equal(res.status, 200);
    assert.deepEqual((await fake.call('GET', '/v2/api/openapi.json')).body, res.body);
    const doc = res.body;
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(Object.keys(doc.paths), [
      '/clients',
      '/clients/{id}',
      '/requests',
      '/verifications',
      '/requests/{id}',
      '/verifications/{id}',
    ]);
    assert.deepEqual(
      [doc.paths['/clients'].post.operationId, doc.paths['/clients'].get.operationId, doc.paths['/clients/{id}'].get.operationId],
      ['createClient', 'listClients', 'getClient'],
    );
    assert.deepEqual(Object.keys(doc.paths['/clients'].post.responses), ['201', '401', '422', '429']);
    assert.deepEqual(
      doc.paths['/clients'].get.parameters.map((p: { name: string }) => p.name),
      ['search', 'memberType', 'active', 'sort', 'page', 'limit'],
    );
    assert.deepEqual(doc.components.securitySchemes.apiKey, { type: 'apiKey', in: 'header', name: 'X-Api-Key' });
    for (const ref of refsOf(doc)) assert.notEqual(resolve(doc, ref), undefined, ref);
  });

  it('embeds every schema file as it is, but for $id, $schema and $refs pointing into components', async () => {
    const doc = (await fake.call('GET', '/openapi.json')).body;
    // The generic schema files, and each resource's in its own folder.
    const folders = [
      new URL('../schemas/', import.meta.url),
      ...readdirSync(new URL('../src/resources/', import.meta.url), { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => new URL(`../src/resources/${entry.name}/schemas/`, import.meta.url)),
    ];
    const schemas = new Map(
      folders.flatMap((folder) =>
        readdirSync(folder).map((file) => [file, JSON.parse(readFileSync(new URL(file, folder), 'utf8'))] as const),
      ),
    );
    assert.ok(schemas.has('client-create.schema.json') && schemas.has('fault-rule.schema.json'));
    const fileOfTitle = new Map([...schemas].map(([file, schema]) => [schema.title, file]));
    // Point component $refs back at their files, as the schema files write them.
    const backToFiles = (text: string) =>
      text.replace(
        /"#\/components\/schemas\/(\w+)(\/[^"]*)?"/g,
        (_m, title: string, rest?: string) => `"${fileOfTitle.get(title)}${rest ? `#${rest}` : ''}"`,
      );
    for (const [file, schema] of schemas) {
      const component = doc.components.schemas[schema.title];
      assert.ok(component, file);
      const { $id, $schema, ...rest } = schema;
      assert.deepEqual(JSON.parse(backToFiles(JSON.stringify(component))), rest, file);
    }
  });

  it('GET /__admin/openapi.json describes every admin route (and needs the admin token)', async () => {
    assert.equal((await fake.call('GET', '/__admin/openapi.json')).status, 401);
    const res = await fake.call('GET', '/__admin/openapi.json', { headers: { Authorization: 'Bearer tok-123456' } });
    assert.equal(res.status, 200);
    const doc = res.body;
    assert.deepEqual(Object.keys(doc.paths).sort(), [
      '/__admin/clock',
      '/__admin/clock/advance',
      '/__admin/faults',
      '/__admin/faults/{id}',
      '/__admin/health',
      '/__admin/journal',
      '/__admin/journal/count',
      '/__admin/openapi.json',
      '/__admin/organisations',
      '/__admin/organisations/{orgId}/{collection}',
      '/__admin/requests',
      '/__admin/requests/count',
      '/__admin/requests/{id}/complete-step',
      '/__admin/requests/{id}/status',
      '/__admin/reset',
      '/__admin/state',
      '/__admin/webhooks',
      '/__admin/webhooks/deliveries',
      '/__admin/webhooks/deliveries/wait',
      '/__admin/webhooks/deliveries/{id}/redeliver',
      '/__admin/webhooks/events',
      '/__admin/webhooks/{id}',
      '/__admin/webhooks/{id}/ping',
      '/__admin/webhooks/{id}/rotate-secret',
    ]);
    // The old journal paths still work, documented as deprecated aliases of the new ones.
    assert.deepEqual(doc.paths['/__admin/requests'].get, { ...doc.paths['/__admin/journal'].get, deprecated: true });
    assert.deepEqual(doc.paths['/__admin/requests/count'].post, { ...doc.paths['/__admin/journal/count'].post, deprecated: true });
    assert.equal(doc.paths['/__admin/journal'].get.deprecated, undefined);
    assert.deepEqual(Object.keys(doc.paths['/__admin/faults']), ['post', 'get', 'delete']);
    assert.deepEqual(doc.paths['/__admin/faults'].post.requestBody.content['application/json'].schema, {
      $ref: '#/components/schemas/FaultRule',
    });
    for (const ref of refsOf(doc)) assert.notEqual(resolve(doc, ref), undefined, ref);
  });
});
