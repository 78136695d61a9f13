// The server creates requests and answers with the prototypes express gives them, so express
// changes no prototype (a change a request costs V8 a hidden class and promotes its garbage).
import assert from 'node:assert/strict';
import { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import express from 'express';
import { createHttpServer, DEFAULT_TIMEOUTS } from '../src/http/http-server.js';
import { messageClassesOf } from '../src/http/message-classes.js';
import { KEYS } from './support/fixture-keys.js';
import { withFake } from './support/fake.js';

/** Runs `during` with Object.setPrototypeOf watched; returns the requests and answers it changed (a set to the same prototype is no change). */
async function prototypeChanges(during: () => Promise<void>): Promise<string[]> {
  const changes: string[] = [];
  const original = Object.setPrototypeOf;
  Object.setPrototypeOf = (object: object, prototype: object | null) => {
    const message = object instanceof IncomingMessage || object instanceof ServerResponse;
    if (message && Object.getPrototypeOf(object) !== prototype) changes.push(object.constructor.name);
    return original(object, prototype);
  };
  try {
    await during();
  } finally {
    Object.setPrototypeOf = original;
  }
  return changes;
}

describe('message classes', () => {
  it('a request to the fake meets express with its prototypes already in place', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    const statuses: number[] = [];
    const changes = await prototypeChanges(async () => {
      statuses.push((await fake.create({ nameFirst: 'Ada', nameLast: 'Lovelace', memberType: 'individual' })).status);
      statuses.push((await fake.call('GET', '/clients', { key: KEYS.acme })).status);
      statuses.push((await fake.call('GET', '/nowhere')).status);
      statuses.push((await fake.call('GET', '/__admin/health')).status);
    });
    assert.deepEqual(statuses, [201, 200, 404, 200]);
    assert.deepEqual(changes, []);
  });

  it("the classes' prototypes keep what express put in them", async (t) => {
    const app = express();
    const classes = messageClassesOf(app);
    app.get('/where', (req, res) => {
      res.status(202).json({ host: req.get('host'), sameApp: req.app === app, path: req.path });
    });
    const created: string[] = [];
    const { server, stop } = createHttpServer(
      (req, res) => {
        created.push(`${Object.getPrototypeOf(req) === app.request} ${Object.getPrototypeOf(res) === app.response}`);
        app(req, res);
      },
      DEFAULT_TIMEOUTS,
      classes,
    );
    t.after(() => stop());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const reply = await fetch(`http://127.0.0.1:${port}/where?x=1`);
    assert.equal(reply.status, 202);
    assert.deepEqual(await reply.json(), { host: `127.0.0.1:${port}`, sameApp: true, path: '/where' });
    assert.deepEqual(created, ['true true']);
    assert.equal(classes.IncomingMessage.prototype, app.request);
    assert.equal(classes.ServerResponse.prototype, app.response);
    assert.equal(Object.getPrototypeOf(app.request), express.request);
    assert.equal(Object.getPrototypeOf(app.response), express.response);
  });
});
