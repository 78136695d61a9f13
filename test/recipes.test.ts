// The Docker recipes in examples/ parse and agree with the Dockerfile: image, health probe, port, key.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ACTIONS_RECIPE, COMPOSE_RECIPE, readYaml, splitOptions } from './docker/recipes.js';

const root = (path: string): string => fileURLToPath(new URL(`../${path}`, import.meta.url));

/** The exec-form command of the Dockerfile's HEALTHCHECK, e.g. ['node', '/app/docker/healthcheck.mjs']. */
function dockerfileHealthcheck(): string[] {
  const dockerfile = readFileSync(root('Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
  const match = /^HEALTHCHECK\b.*\bCMD (\[.*\])\s*$/m.exec(dockerfile);
  assert.ok(match, 'the Dockerfile has an exec-form HEALTHCHECK');
  return JSON.parse(match[1] as string);
}

/** The usable (not revoked) keys of the shipped fixtures. */
function seededKeys(): string[] {
  const { keys } = JSON.parse(readFileSync(root('fixtures/api-keys.json'), 'utf8')) as { keys: { key: string; revoked?: boolean }[] };
  return keys.filter((k) => !k.revoked).map((k) => k.key);
}

describe('the Dockerfile health probe', () => {
  it('runs node on the probe script shipped in docker/, which reads the port, host and admin token', () => {
    const probe = dockerfileHealthcheck();
    assert.deepEqual(probe, ['node', '/app/docker/healthcheck.mjs']);
    const script = readFileSync(root('docker/healthcheck.mjs'), 'utf8');
    for (const name of ['ATHENTY_FAKE_PORT', 'ATHENTY_FAKE_HOST', 'ATHENTY_FAKE_ADMIN_TOKEN']) assert.ok(script.includes(name), name);
    assert.match(readFileSync(root('Dockerfile'), 'utf8'), /^COPY docker\/healthcheck\.mjs \.\/docker\/$/m);
  });
});

describe('examples/docker-compose.yml', () => {
  const compose = readYaml(COMPOSE_RECIPE);
  const fake = compose.services['athenty-fake'];
  const app = compose.services.app;

  it('runs the image the Dockerfile builds, as its header says to build it', () => {
    assert.equal(fake.image, 'athenty-fake:latest');
    assert.match(readFileSync(COMPOSE_RECIPE, 'utf8'), /docker build -t athenty-fake:latest \./);
  });

  it("checks health with the image's node probe, which reads ATHENTY_FAKE_PORT from the service's environment", () => {
    assert.deepEqual(fake.healthcheck.test, ['CMD', ...dockerfileHealthcheck()]);
    assert.match(String(fake.environment.ATHENTY_FAKE_PORT), /^\d+$/);
    for (const key of ['interval', 'timeout', 'start_period']) assert.match(fake.healthcheck[key], /^\d+s$/, key);
    assert.ok(Number.isInteger(fake.healthcheck.retries) && fake.healthcheck.retries > 0);
  });

  it('keeps the store on a named volume at /data', () => {
    assert.ok(fake.volumes.includes('athenty-data:/data'));
    assert.ok('athenty-data' in compose.volumes);
  });

  it('starts the app only once the fake is healthy, pointing it at the fake by service name and port', () => {
    assert.deepEqual(app.depends_on, { 'athenty-fake': { condition: 'service_healthy' } });
    assert.equal(app.environment.ATHENTY_BASE_URL, `http://athenty-fake:${fake.environment.ATHENTY_FAKE_PORT}/v2/api`);
    assert.ok(seededKeys().includes(app.environment.ATHENTY_API_KEY), 'the app uses a seeded, usable key');
  });
});

describe('examples/github-actions.yml', () => {
  const job = readYaml(ACTIONS_RECIPE).jobs.test;
  const service = job.services['athenty-fake'];

  it('runs the image the Dockerfile builds, pushed to a registry the runner can pull from', () => {
    assert.match(service.image, /^[\w.-]+(:\d+)?\/[\w./-]+\/athenty-fake:[\w.-]+$/);
  });

  it("waits for health with --health-cmd running the image's node probe", () => {
    const options = splitOptions(service.options);
    const value = (flag: string): string | undefined => options[options.indexOf(flag) + 1];
    assert.ok(options.includes('--health-cmd'), service.options);
    assert.equal(value('--health-cmd'), dockerfileHealthcheck().join(' '));
    assert.match(value('--health-interval') ?? '', /^\d+s$/);
    assert.match(value('--health-retries') ?? '', /^\d+$/);
  });

  it("points the job's tests at the service's port on localhost, with a seeded key", () => {
    const port = String(service.env.ATHENTY_FAKE_PORT);
    assert.match(port, /^\d+$/);
    assert.ok(service.ports.includes(`${port}:${port}`), JSON.stringify(service.ports));
    assert.equal(job.env.ATHENTY_BASE_URL, `http://localhost:${port}/v2/api`);
    assert.ok(seededKeys().includes(job.env.ATHENTY_API_KEY), 'the job uses a seeded, usable key');
  });
});
