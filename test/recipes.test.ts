// The Docker recipes in examples/ parse and agree with the Dockerfile: image, health probe, port, key;
// and the health probe passes on a running fake.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runNode, startCli } from './support/cli.js';
import { ACTIONS_RECIPE, COMPOSE_RECIPE, readYaml, splitOptions } from './docker/recipes.js';
import { tempDir } from './support/temp-dir.js';

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
  it('runs node on the probe script shipped in docker/, which reads the ready file the image names', () => {
    const probe = dockerfileHealthcheck();
    assert.deepEqual(probe, ['node', '/app/docker/healthcheck.mjs']);
    const dockerfile = readFileSync(root('Dockerfile'), 'utf8');
    assert.match(dockerfile, /^COPY docker\/healthcheck\.mjs \.\/docker\/$/m);
    assert.match(dockerfile, /^\s*ATHENTY_FAKE_READY_FILE=\/tmp\/[\w.-]+\.json$/m);
    const script = readFileSync(root('docker/healthcheck.mjs'), 'utf8');
    assert.ok(script.includes('process.env.ATHENTY_FAKE_READY_FILE'));
    // It follows what the fake wrote, never the fake's command line or option variables.
    for (const text of ['/proc/1/cmdline', 'ATHENTY_FAKE_PORT', 'ATHENTY_FAKE_HOST', '--port']) assert.ok(!script.includes(text), text);
  });

  const PROBE = root('docker/healthcheck.mjs');

  it('passes on a fake on every interface that needs an admin token given as a flag, and fails once it stops', async () => {
    const readyFile = join(tempDir(), 'ready.json');
    const cli = await startCli(['--port', '0', '--host', '0.0.0.0', '--db', 'memory', '--admin-token', 'probe-token'], {
      ATHENTY_FAKE_READY_FILE: readyFile,
    });
    try {
      const passed = await runNode([PROBE], { ATHENTY_FAKE_READY_FILE: readyFile });
      assert.equal(passed.code, 0, passed.stdout);
      assert.match(passed.stdout, /^http:\/\/127\.0\.0\.1:\d+\/__admin\/health 200 \{"status":"ok"/);
    } finally {
      await cli.stop();
    }
    const failed = await runNode([PROBE], { ATHENTY_FAKE_READY_FILE: readyFile });
    assert.equal(failed.code, 1);
    assert.equal(failed.stdout, `${readyFile}: not there yet, the fake is not listening\n`);
  });

  it('fails, saying why, without a ready file to read', async () => {
    const unset = await runNode([PROBE], {});
    assert.equal(unset.code, 1);
    assert.match(unset.stdout, /^ATHENTY_FAKE_READY_FILE is not set/);
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

  it("checks health with the image's node probe, which follows the port the service's environment gives the fake", () => {
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
