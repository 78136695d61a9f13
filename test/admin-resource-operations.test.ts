// A resource's own admin operations: mounted under /__admin/<resource>, served by the router, on
// both handles as fake.<resource>.<name>, and in the admin OpenAPI document.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import express from 'express';
import { connectAdmin } from '../src/admin/admin-client.js';
import { inProcessAdmin } from '../src/admin/handle.js';
import { adminOperationTree, type AdminHttpInput, type AdminParts } from '../src/admin/operations.js';
import { createAdminRouter } from '../src/admin/router.js';
import type { ResourceModule } from '../src/api/resource.js';
import { handleErrors } from '../src/http/error-handler.js';
import { createLogger } from '../src/logger.js';
import { RESOURCES } from '../src/resources/index.js';
import { withFake } from './support/fake.js';

/** A resource whose handlers get a counter, with two admin operations over it. */
interface Counter {
  value: number;
}
const widgets = {
  name: 'widgets',
  collections: [],
  admin: {
    spin: {
      method: 'POST',
      path: '/spin',
      summary: 'Add {by} to the counter; answers {value}',
      input: (by: number) => ({ by }),
      toHttp: (input: { by: number }) => ({ body: input }),
      fromHttp: ({ body }: AdminHttpInput) => body as { by: number },
      run: (api: Counter, { by }: { by: number }) => {
        api.value += by;
        return { value: api.value };
      },
    },
    reading: {
      get: {
        method: 'GET',
        path: '/:id/reading',
        summary: 'The counter, read for {id}',
        input: (id: string) => id,
        toHttp: (id: string) => ({ params: { id } }),
        fromHttp: ({ params }: AdminHttpInput) => params.id as string,
        run: (api: Counter, id: string) => ({ id, value: api.value }),
        result: (body: { value: number }) => body.value,
      },
    },
  },
} as unknown as ResourceModule<Counter>;

describe('resource admin operations', () => {
  it('are served under /__admin/<resource> and on both handles alike, and documented', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    const counter: Counter = { value: 0 };
    const parts: AdminParts = {
      ...fake.fake.admin,
      resources: [
        ...fake.fake.admin.resources,
        { module: widgets, instance: { api: counter, state: { recordsFrom: {} }, sample: () => ({}) } },
      ],
      operations: adminOperationTree([...RESOURCES, widgets]),
    };
    const app = express()
      .use(express.json())
      .use('/__admin', createAdminRouter(parts.operations, parts, undefined))
      .use(handleErrors(createLogger('silent', () => {})));
    const server = app.listen(0, '127.0.0.1');
    t.after(() => new Promise((resolve) => server.close(resolve)));
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const local = inProcessAdmin(parts, () => false) as unknown as {
      widgets: { spin(by: number): Promise<unknown>; reading: { get(id: string): Promise<unknown> } };
    };
    const remote = connectAdmin(parts.operations, url) as unknown as typeof local;
    assert.deepEqual(await local.widgets.spin(2), { value: 2 });
    assert.deepEqual(await remote.widgets.spin(3), { value: 5 });
    assert.equal(await local.widgets.reading.get('w_1'), 5);
    assert.equal(await remote.widgets.reading.get('w/1'), 5);
    const raw = await fetch(`${url}/__admin/widgets/w_9/reading`);
    assert.deepEqual(await raw.json(), { id: 'w_9', value: 5 });

    const doc = (await (await fetch(`${url}/__admin/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { summary: string }>>;
    };
    assert.equal(doc.paths['/__admin/widgets/spin']?.post?.summary, 'Add {by} to the counter; answers {value}');
    assert.ok(doc.paths['/__admin/widgets/{id}/reading']?.get);
    assert.ok(doc.paths['/__admin/faults']?.post, 'the core operations stay');
  });

  it('may not take the name of a core operation', () => {
    assert.throws(() => adminOperationTree([{ ...widgets, name: 'faults' } as ResourceModule]), /shadows the admin operation/);
  });
});
