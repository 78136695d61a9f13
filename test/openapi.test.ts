// The OpenAPI 3.1 documents: built from the very schema files the validator uses, every $ref resolvable.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { startTestFake, type TestFake } from './support/fake.js';
import { KEYS, MAGIC_KEYS } from './support/fixture-keys.js';
import type { Reply } from './support/http.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

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

  it("GET /openapi.json has the real document's shape: title, version, security scheme, tags, every answer of each operation", async () => {
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
    assert.deepEqual(Object.keys(doc.paths['/clients'].post.responses), ['201', '400', '401', '402', '403', '413', '415', '422', '429']);
    assert.deepEqual(Object.keys(doc.paths['/clients'].get.responses), ['200', '401', '402', '403', '422', '429']);
    assert.deepEqual(Object.keys(doc.paths['/clients/{id}'].get.responses), ['200', '401', '402', '403', '404', '429']);
    assert.deepEqual(
      doc.paths['/clients'].get.parameters.map((p: { name: string }) => p.name),
      ['search', 'memberType', 'active', 'sort', 'page', 'limit'],
    );
    assert.deepEqual(doc.components.securitySchemes, { ApiKeyAuth: { type: 'apiKey', in: 'header', name: 'X-Api-Key' } });
    assert.deepEqual(doc.security, [{ ApiKeyAuth: [] }]);
    assert.deepEqual([doc.info.title, doc.info.version], ['Athenty API', '2.0.0']);
    assert.deepEqual(doc.tags, [{ name: 'Clients' }, { name: 'Requests' }]);
    for (const [path, methods] of Object.entries<Record<string, { tags: string[] }>>(doc.paths)) {
      for (const operation of Object.values(methods)) {
        assert.deepEqual(operation.tags, [path.startsWith('/clients') ? 'Clients' : 'Requests'], path);
      }
    }
    // What the fake adds to the real document is said in the document.
    assert.equal(doc['x-athenty-fake'].version, version);
    assert.ok(doc['x-athenty-fake'].additions.length >= 5);
    for (const addition of doc['x-athenty-fake'].additions) assert.ok(doc.info.description.includes(addition), addition);
    for (const ref of refsOf(doc)) assert.notEqual(resolve(doc, ref), undefined, ref);
  });

  it('describes each error answer by its exact body, which every real error answer matches and no other body does', async () => {
    const doc = (await fake.call('GET', '/openapi.json')).body;
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema({ ...doc, $id: 'openapi.json' });
    const bodyCheckOf = (status: string) => {
      const name = doc.paths['/clients'].post.responses[status]?.$ref ?? doc.paths['/clients/{id}'].get.responses[status].$ref;
      const response = resolve(doc, name) as { content: { 'application/json': { schema: { $ref: string } } } };
      const check = ajv.getSchema(`openapi.json${response.content['application/json'].schema.$ref}`);
      assert.ok(check, status);
      return check;
    };
    const answers: [string, Reply][] = [
      ['400', await fake.call('POST', '/clients', { key: KEYS.acme, body: '{"nameFirst":' })],
      ['401', await fake.call('GET', '/clients', { key: 'wrong-key-1234' })],
      ['402', await fake.call('GET', '/clients', { key: MAGIC_KEYS.inactive })],
      ['403', await fake.call('GET', '/clients', { key: MAGIC_KEYS.noApiPlan })],
      ['404', await fake.call('GET', '/clients/clt_missing', { key: KEYS.acme })],
      ['413', await fake.call('POST', '/clients', { key: KEYS.acme, body: { metadata: { blob: 'x'.repeat(1_100_000) } } })],
      ['415', await fake.call('POST', '/clients', { key: KEYS.acme, body: '{}', headers: { 'Content-Type': 'text/plain' } })],
      ['422', await fake.create({ email: 'bad' })],
      ['429', await fake.call('GET', '/clients', { key: MAGIC_KEYS.rateLimited })],
    ];
    for (const [status, answer] of answers) {
      assert.equal(String(answer.status), status);
      const check = bodyCheckOf(status);
      assert.ok(check(answer.body), `${status}: ${JSON.stringify(check.errors)}`);
      // Exact: another status's body, or a changed message, does not match.
      assert.equal(check({ ...answer.body, statusCode: 418 }), false, status);
      if (status !== '400') assert.equal(check({ ...answer.body, message: 'Something else.' }), false, status);
    }
    assert.equal(bodyCheckOf('422')({ code: 'VALIDATION_ERROR', message: 'Validation failed', statusCode: 422 }), false);
    // A 429 always carries its three headers, and the document says so.
    const limited = answers[8]?.[1] as Reply;
    const headers = (resolve(doc, doc.paths['/clients'].get.responses['429'].$ref) as { headers: Record<string, { required: boolean }> })
      .headers;
    assert.deepEqual(
      Object.entries(headers).map(([name, header]) => [name, header.required, limited.headers.get(name) !== null]),
      [
        ['X-RateLimit-Limit', true, true],
        ['X-RateLimit-Remaining', true, true],
        ['Retry-After', true, true],
      ],
    );
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
