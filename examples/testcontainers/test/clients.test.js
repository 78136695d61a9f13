// node:test against the fake's Docker image, started by Testcontainers: one container for the file,
// waited on by its ready line, reset through the admin API before each test.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { GenericContainer, Wait } from 'testcontainers';

/** The image to run: `docker build -t athenty-fake:latest .` in the fake's repository makes it. */
const IMAGE = process.env.ATHENTY_FAKE_IMAGE ?? 'athenty-fake:latest';
/** The port the image listens on (its ATHENTY_FAKE_PORT and EXPOSE). */
const PORT = 4010;
/** A seeded key of the organisation org_acme. */
const API_KEY = 'ath_test_acme_7Kq2mV9xR4tLp8Zc';
/** The one line the fake prints on stdout once it listens. */
const READY_LINE = /athenty-fake listening on http:\/\/\S+:\d+/;

/** A port free on this machine now. */
async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts the fake's container and resolves with it and its base URL.
 *
 * Usually Docker maps the container's port 4010 to a free port of the host. An engine without a
 * bridge network (like this project's CI) cannot map ports: with ATHENTY_DOCKER_NETWORK=host the
 * container shares the host's network instead, and the fake is told by environment which free
 * port to listen on, on the loopback only.
 */
async function startFake() {
  const container = new GenericContainer(IMAGE)
    .withEnvironment({ ATHENTY_FAKE_DB: 'memory', ATHENTY_FAKE_LOG_LEVEL: 'warn' })
    .withWaitStrategy(Wait.forLogMessage(READY_LINE))
    .withStartupTimeout(60_000);
  if (process.env.ATHENTY_DOCKER_NETWORK === 'host') {
    const port = await freePort();
    const started = await container
      .withNetworkMode('host')
      .withEnvironment({ ATHENTY_FAKE_HOST: '127.0.0.1', ATHENTY_FAKE_PORT: String(port) })
      .start();
    return { container: started, url: `http://127.0.0.1:${port}` };
  }
  const started = await container.withExposedPorts(PORT).start();
  return { container: started, url: `http://${started.getHost()}:${started.getMappedPort(PORT)}` };
}

/** The code under test: a tiny Athenty client a team might write, given the base URL. */
function athenty(baseUrl) {
  const call = async (method, path, body) => {
    const res = await fetch(`${baseUrl}/v2/api${path}`, {
      method,
      headers: { 'X-Api-Key': API_KEY, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, location: res.headers.get('location'), body: await res.json() };
  };
  return {
    createClient: (client) => call('POST', '/clients', client),
    getClient: (id) => call('GET', `/clients/${id}`),
  };
}

describe('the fake in a container started by Testcontainers', () => {
  let fake;
  let api;
  before(async () => {
    fake = await startFake();
    api = athenty(fake.url);
  });
  after(() => fake?.container.stop());
  beforeEach(async () => {
    const res = await fetch(`${fake.url}/__admin/reset`, { method: 'POST' });
    assert.equal(res.status, 200);
  });

  it('creates a client and reads it back', async () => {
    const created = await api.createClient({ nameFirst: 'Jane', nameLast: 'Smith', email: 'jane@example.com', country: 'CA' });
    assert.equal(created.status, 201);
    assert.match(created.body.id, /^clt_/);
    assert.equal(created.location, `/v2/api/clients/${created.body.id}`);
    assert.equal(created.body.orgId, 'org_acme');

    const read = await api.getClient(created.body.id);
    assert.equal(read.status, 200);
    assert.deepEqual(read.body, created.body);
  });

  it('shows in its journal what the code sent', async () => {
    await api.createClient({ nameFirst: 'Ann', nameLast: 'Lee' });
    const res = await fetch(`${fake.url}/__admin/journal?method=POST`);
    const { requests } = await res.json();
    assert.equal(requests.length, 1, 'the reset before this test cleared the journal');
    assert.deepEqual(requests[0].requestBody, { nameFirst: 'Ann', nameLast: 'Lee' });
    assert.equal(requests[0].status, 201);
  });
});
