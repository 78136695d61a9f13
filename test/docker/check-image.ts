// npm run test:docker: builds the image and checks it from outside, one PASS/FAIL line per check;
// exits 1 on any failure and always removes the containers, volume, image and files it made.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KEYS } from '../support/fixture-keys.js';
import { runToEnd } from '../support/processes.js';
import { ACTIONS_RECIPE, COMPOSE_RECIPE, readYaml, splitOptions } from './recipes.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUN = `athenty-fake-test-${randomBytes(4).toString('hex')}`;
const IMAGE = `${RUN}:latest`;
const ADMIN_TOKEN = 'docker-test-admin-token';
const STOP_LIMIT_MS = 5_000;
const READY_LIMIT_MS = 30_000;
const HEALTHY_LIMIT_MS = 60_000;

/** What this run created, removed in `cleanUp` whatever happens. */
const created = { containers: [] as string[], volumes: [] as string[], image: false, dirs: [] as string[] };
const tally = { passed: 0, failed: 0, skipped: 0 };

// ---- running commands ---------------------------------------------------------------------------

interface Finished {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Finished> {
  const { code, stdout, stderr } = await runToEnd(command, args, { cwd: ROOT, env });
  return { code: code ?? 1, stdout, stderr };
}

/** Runs `docker ARGS`, resolving with its trimmed stdout; a non-zero exit throws with its stderr. */
async function docker(...args: string[]): Promise<string> {
  const result = await run('docker', args);
  if (result.code !== 0) {
    throw new Error(`docker ${args.join(' ')} exited ${result.code}: ${(result.stderr || result.stdout).trim()}`);
  }
  return result.stdout.trim();
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---- reporting ----------------------------------------------------------------------------------

/** Runs one check and prints PASS (with the detail it returns) or FAIL (with the reason). */
async function check(name: string, body: () => Promise<string | void>): Promise<boolean> {
  try {
    const detail = await body();
    tally.passed++;
    console.log(`PASS  ${name}${detail ? ` (${detail})` : ''}`);
    return true;
  } catch (error) {
    tally.failed++;
    console.log(`FAIL  ${name}\n      ${String((error as Error).message).replaceAll('\n', '\n      ')}`);
    return false;
  }
}

/** A check on a container; when the container did not start, it fails without running. */
async function checkOn(
  container: Container | undefined,
  name: string,
  body: (container: Container) => Promise<string | void>,
): Promise<boolean> {
  return check(name, async () => {
    assert.ok(container, 'not run: its container did not start');
    return body(container);
  });
}

function skip(name: string, reason: string): void {
  tally.skipped++;
  console.log(`SKIP  ${name}: ${reason}`);
}

// ---- containers ---------------------------------------------------------------------------------

/**
 * How the host reaches a container: `host` shares the host's network (the only choice on an engine
 * without a bridge, like the CI wrapper's); `publish` maps the port (Docker Desktop, most machines).
 * ATHENTY_DOCKER_NETWORK=host|publish overrides the guess.
 */
type NetworkMode = 'host' | 'publish';
let network: NetworkMode = 'host';

async function chooseNetworkMode(): Promise<NetworkMode> {
  const forced = process.env.ATHENTY_DOCKER_NETWORK;
  if (forced === 'host' || forced === 'publish') return forced;
  return (await run('docker', ['network', 'inspect', 'bridge'])).code === 0 ? 'publish' : 'host';
}

const usedPorts = new Set([4010]);

/** A port that is free on this machine now, not the default 4010 and not handed out before. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  if (usedPorts.has(port)) return freePort();
  usedPorts.add(port);
  return port;
}

interface ContainerSpec {
  /** The port the fake will listen on inside, as its env or flags say. */
  port: number;
  env?: Record<string, string>;
  volumes?: string[];
  /** Extra `docker run` options, e.g. health options. */
  options?: string[];
  /** Arguments for the fake's CLI after the image name. */
  args?: string[];
}

interface Container {
  name: string;
  port: number;
  /** When `docker run` returned, for timing the health check. */
  startedAt: number;
}

async function startContainer(label: string, spec: ContainerSpec): Promise<Container> {
  const name = `${RUN}-${label}`;
  created.containers.push(name);
  const networkArgs = network === 'host' ? ['--network', 'host'] : ['--publish', `127.0.0.1:${spec.port}:${spec.port}`];
  await docker(
    'run',
    '--detach',
    '--pull',
    'never',
    '--name',
    name,
    ...networkArgs,
    ...Object.entries(spec.env ?? {}).flatMap(([key, value]) => ['--env', `${key}=${value}`]),
    ...(spec.volumes ?? []).flatMap((volume) => ['--volume', volume]),
    ...(spec.options ?? []),
    IMAGE,
    ...(spec.args ?? []),
  );
  const container = { name, port: spec.port, startedAt: Date.now() };
  await waitForReadyLine(container);
  return container;
}

async function logsOf(container: Container): Promise<string> {
  const result = await run('docker', ['logs', '--tail', '30', container.name]);
  return `${result.stdout}${result.stderr}`.trim();
}

/** Checks that a container starts and prints its ready line; resolves with it, or undefined. */
async function startChecked(name: string, label: string, spec: ContainerSpec): Promise<Container | undefined> {
  let container: Container | undefined;
  await check(name, async () => {
    container = await startContainer(label, spec);
  });
  return container;
}

/** Waits for the fake's one ready line on stdout, naming the port; throws with the logs if it exits. */
async function waitForReadyLine(container: Container): Promise<void> {
  const expected = `athenty-fake listening on http://0.0.0.0:${container.port}`;
  while (Date.now() - container.startedAt < READY_LIMIT_MS) {
    const { stdout } = await run('docker', ['logs', container.name]);
    if (stdout.split('\n').includes(expected)) return;
    if ((await docker('inspect', '--format', '{{.State.Status}}', container.name)) === 'exited') {
      throw new Error(`${container.name} exited before it was ready:\n${await logsOf(container)}`);
    }
    await sleep(200);
  }
  throw new Error(`no "${expected}" within ${READY_LIMIT_MS / 1000} s:\n${await logsOf(container)}`);
}

/** Polls Docker's health status until healthy; resolves with the time since the container started. */
async function waitHealthy(container: Container): Promise<number> {
  while (Date.now() - container.startedAt < HEALTHY_LIMIT_MS) {
    const status = await docker('inspect', '--format', '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}', container.name);
    if (status === 'healthy') return Date.now() - container.startedAt;
    if (status !== 'starting') {
      const probes = await docker('inspect', '--format', '{{range .State.Health.Log}}{{.ExitCode}} {{.Output}}{{end}}', container.name);
      throw new Error(`health status is ${status}; last probes:\n${probes}`);
    }
    await sleep(250);
  }
  throw new Error(`not healthy within ${HEALTHY_LIMIT_MS / 1000} s`);
}

interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

async function call(
  container: Container,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: unknown,
): Promise<Reply> {
  const res = await fetch(`http://127.0.0.1:${container.port}${path}`, {
    method,
    headers: body === undefined ? headers : { ...headers, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) };
}

// ---- the checks ---------------------------------------------------------------------------------

async function checkComposeConfig(): Promise<void> {
  const name = 'examples/docker-compose.yml passes `docker compose config`';
  if ((await run('docker', ['compose', 'version'])).code !== 0) {
    return skip(name, '`docker compose` is not installed here (test/recipes.test.ts still parses and checks the file)');
  }
  await check(name, async () => {
    const result = await run('docker', ['compose', '--file', COMPOSE_RECIPE, 'config', '--quiet']);
    assert.equal(result.code, 0, result.stderr);
  });
}

async function main(): Promise<void> {
  const engine = await run('docker', ['version', '--format', '{{.Server.Version}}']).catch((error: Error) => ({
    code: 1,
    stdout: '',
    stderr: error.message,
  }));
  if (engine.code !== 0) throw new Error(`no Docker engine answers \`docker version\`: ${engine.stderr.trim()}`);
  network = await chooseNetworkMode();
  console.log(
    `test:docker: Docker ${engine.stdout.trim()}, image ${IMAGE}, containers reached by ${network === 'host' ? '--network host' : 'published ports'}`,
  );

  await checkComposeConfig();

  const built = await check('the image builds', async () => {
    const started = Date.now();
    created.image = true;
    const networkArgs = network === 'host' ? ['--network', 'host'] : [];
    const result = await run('docker', ['build', ...networkArgs, '--tag', IMAGE, '.'], { ...process.env, DOCKER_BUILDKIT: '1' });
    const output = `${result.stdout}${result.stderr}`.trim().split('\n').slice(-40).join('\n');
    assert.equal(result.code, 0, `docker build exited ${result.code}:\n${output}`);
    const bytes = Number(await docker('image', 'inspect', '--format', '{{.Size}}', IMAGE));
    return `${((Date.now() - started) / 1000).toFixed(1)} s, ${(bytes / 1e6).toFixed(0)} MB`;
  });
  if (!built) return;

  // 1. A fake on a non-default port from the environment, with an admin token and a named volume.
  const volume = `${RUN}-data`;
  created.volumes.push(volume);
  await docker('volume', 'create', volume);
  const port = await freePort();
  const first = await startChecked(`a container starts and prints its ready line on port ${port}`, 'first', {
    port,
    env: { ATHENTY_FAKE_PORT: String(port), ATHENTY_FAKE_ADMIN_TOKEN: ADMIN_TOKEN },
    volumes: [`${volume}:/data`],
  });

  let createdClient: { id: string } | undefined;
  await checkOn(first, `the API answers a seeded key on the non-default port ${port}: create, then read back`, async (c) => {
    const made = await call(
      c,
      'POST',
      '/v2/api/clients',
      { 'X-Api-Key': KEYS.acme },
      { nameFirst: 'Docker', nameLast: 'Volume', country: 'CA' },
    );
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(made.headers.get('location'), `/v2/api/clients/${made.body.id}`);
    const read = await call(c, 'GET', `/v2/api/clients/${made.body.id}`, { 'X-Api-Key': KEYS.acme });
    assert.equal(read.status, 200);
    assert.deepEqual(read.body, made.body);
    createdClient = made.body;
    return made.body.id;
  });

  await checkOn(first, 'the container runs as the non-root user node', async (c) => {
    assert.equal(await docker('inspect', '--format', '{{.Config.User}}', c.name), 'node');
    const owner = await docker('exec', c.name, 'stat', '--format', '%u:%U', '/proc/1');
    assert.equal(owner, '1000:node', 'PID 1 should run as uid 1000 (node)');
    return `PID 1 runs as ${owner}`;
  });

  await checkOn(first, 'the health check turns healthy (port from ATHENTY_FAKE_PORT, admin token sent)', async (c) => {
    // The admin API refuses a call without the token, so "healthy" proves the probe sends it.
    assert.equal((await call(c, 'GET', '/__admin/health')).status, 401);
    assert.equal((await call(c, 'GET', '/__admin/health', { Authorization: `Bearer ${ADMIN_TOKEN}` })).status, 200);
    return `healthy ${((await waitHealthy(c)) / 1000).toFixed(1)} s after start`;
  });

  await checkOn(first, "the inspector page's files are in the image, served at /__admin/ui/", async (c) => {
    const page = await fetch(`http://127.0.0.1:${c.port}/__admin/ui/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>athenty-fake inspector<\/title>/);
    assert.equal((await fetch(`http://127.0.0.1:${c.port}/__admin/ui/panels/journal.js`)).status, 200);
    return 'index.html and the panel modules answer 200';
  });

  await checkOn(first, "the image carries the bin's code cache, made for its node", async (c) => {
    const node = await docker('exec', c.name, 'node', '-p', 'process.version + "-" + process.arch');
    const caches = (await docker('exec', c.name, 'ls', '/app/dist')).split('\n').filter((name) => name.endsWith('.v8cache'));
    assert.equal(caches.length, 1, `one cache in /app/dist, found: ${caches.join(', ')}`);
    assert.ok(caches[0]?.includes(`.${node}.`), `${caches[0]} is made for ${node}`);
    return caches[0];
  });

  await checkOn(first, "the compose recipe's healthcheck command exits 0 in the container", async (c) => {
    const test: unknown = readYaml(COMPOSE_RECIPE).services['athenty-fake'].healthcheck.test;
    assert.ok(Array.isArray(test) && test[0] === 'CMD', `expected an exec-form ["CMD", ...] test, got ${JSON.stringify(test)}`);
    await docker('exec', c.name, ...(test.slice(1) as string[]));
  });

  await checkOn(first, `docker stop exits 0 within ${STOP_LIMIT_MS / 1000} s`, async (c) => {
    const started = Date.now();
    await docker('stop', '--time', '10', c.name);
    const took = Date.now() - started;
    const exitCode = await docker('inspect', '--format', '{{.State.ExitCode}}', c.name);
    assert.equal(exitCode, '0', `exit code ${exitCode} after ${took} ms (137 means Docker had to SIGKILL it)`);
    assert.ok(took < STOP_LIMIT_MS, `took ${took} ms`);
    return `${took} ms, exit code 0`;
  });

  // 2. A new container on the same volume, its port given as a flag that overrides the environment.
  const flagPort = await freePort();
  const second = await startChecked(`a new container on the same volume starts with --port ${flagPort}`, 'second', {
    port: flagPort,
    env: { ATHENTY_FAKE_PORT: String(await freePort()) },
    volumes: [`${volume}:/data`],
    args: ['--port', String(flagPort)],
  });

  await checkOn(second, 'the data survives on the volume: the new container serves the client created before', async (c) => {
    assert.ok(createdClient, 'no client was created by the first container');
    const read = await call(c, 'GET', `/v2/api/clients/${createdClient.id}`, { 'X-Api-Key': KEYS.acme });
    assert.equal(read.status, 200, JSON.stringify(read.body));
    assert.deepEqual(read.body, createdClient);
  });

  await checkOn(second, 'the health check follows a --port flag over ATHENTY_FAKE_PORT', async (c) => {
    return `healthy ${((await waitHealthy(c)) / 1000).toFixed(1)} s after start`;
  });

  // 3. The seeded keys replaced by a mounted keys file.
  const dir = mkdtempSync(join(tmpdir(), `${RUN}-`));
  created.dirs.push(dir);
  const ownKey = 'own_key_for_docker_test_5hQ2';
  const keysFile = join(dir, 'api-keys.json');
  writeFileSync(keysFile, JSON.stringify({ keys: [{ key: ownKey, orgId: 'org_docker', label: 'own' }] }), { mode: 0o644 });
  const keysPort = await freePort();
  const keyed = await startChecked('a container with a mounted keys file starts', 'keys', {
    port: keysPort,
    env: { ATHENTY_FAKE_PORT: String(keysPort), ATHENTY_FAKE_KEYS: '/config/api-keys.json', ATHENTY_FAKE_DB: 'memory' },
    volumes: [`${keysFile}:/config/api-keys.json:ro`],
  });
  await checkOn(keyed, 'the mounted keys file replaces the seeded keys (seeded key 401, own key 200)', async (c) => {
    assert.equal((await call(c, 'GET', '/v2/api/clients', { 'X-Api-Key': KEYS.acme })).status, 401);
    const own = await call(c, 'GET', '/v2/api/clients', { 'X-Api-Key': ownKey });
    assert.equal(own.status, 200, JSON.stringify(own.body));
  });

  // 4. The GitHub Actions recipe's service settings, passed to docker as the runner passes them.
  const service = readYaml(ACTIONS_RECIPE).jobs.test.services['athenty-fake'];
  const actionsPort = await freePort();
  const actions = await startChecked("a container with the GitHub Actions recipe's env and options starts", 'actions', {
    port: actionsPort,
    env: { ...service.env, ATHENTY_FAKE_PORT: String(actionsPort) },
    options: splitOptions(service.options),
  });
  await checkOn(actions, "the GitHub Actions recipe's --health-cmd turns the container healthy", async (c) => {
    return `healthy ${((await waitHealthy(c)) / 1000).toFixed(1)} s after start`;
  });
}

async function cleanUp(): Promise<void> {
  const quietly = (...args: string[]): Promise<Finished> => run('docker', args).catch(() => ({ code: 1, stdout: '', stderr: '' }));
  if (created.containers.length > 0) await quietly('rm', '--force', '--volumes', ...created.containers);
  if (created.volumes.length > 0) await quietly('volume', 'rm', '--force', ...created.volumes);
  if (created.image) await quietly('image', 'rm', '--force', IMAGE);
  for (const dir of created.dirs) rmSync(dir, { recursive: true, force: true });
}

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.once(signal, () => {
    console.log(`test:docker: ${signal}, cleaning up`);
    void cleanUp().finally(() => process.exit(code));
  });
}

try {
  await main();
} catch (error) {
  tally.failed++;
  console.log(`FAIL  test:docker stopped: ${(error as Error).message}`);
} finally {
  await cleanUp();
}
console.log(`test:docker: ${tally.passed} passed, ${tally.failed} failed, ${tally.skipped} skipped`);
process.exit(tally.failed === 0 && tally.passed > 0 ? 0 : 1);
