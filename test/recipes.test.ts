// The Docker recipes in examples/ and the README's Testcontainers recipes parse and agree with the
// Dockerfile, the options and the fake's output: image, health probe, port, variables, key, ready line;
// and the health probe passes on a running fake.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { OPTIONS } from '../src/config.js';
import { runNode, startCli } from './support/cli.js';
import { ACTIONS_RECIPE, COMPOSE_RECIPE, readTestcontainersRecipes, readYaml, splitOptions } from './docker/recipes.js';
import { runToEnd } from './support/processes.js';
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

// ---- the README's Testcontainers recipes ---------------------------------------------------------

/** How one language's recipe names the image, the port and the wait, and how its library reads the wait. */
interface RecipeSpec {
  /** Group 1: the image name. */
  image: RegExp;
  /** Global patterns, each found at least once; group 1 of every match is the container port. */
  ports: RegExp[];
  /** Group 1: the log wait's argument as written. */
  wait: RegExp;
  /** Whether the library's log wait, given that argument, accepts a line the container printed. */
  accepts(written: string, line: string): boolean;
  /** How to check the syntax offline, without the library; absent: names only. */
  syntax?: { tool: string; file: (code: string) => string; command: string; args: (file: string) => string[] };
}

/** A Java, Go or Python string literal's body as the string it means (their escapes agree with JSON's here). */
const unquote = (body: string): string => JSON.parse(`"${body}"`);

const RECIPES: Record<string, RecipeSpec> = {
  // testcontainers (Node): a RegExp is tested against each line, without its newline.
  js: {
    image: /new GenericContainer\('([^']+)'\)/,
    ports: [/withExposedPorts\((\d+)\)/g, /getMappedPort\((\d+)\)/g],
    wait: /Wait\.forLogMessage\((\/.+\/\w*)\)/,
    accepts: (written, line) => {
      const [, source, flags] = /^\/(.+)\/(\w*)$/.exec(written) ?? [];
      return new RegExp(source ?? '', flags).test(line);
    },
    syntax: { tool: 'node --check', file: () => 'recipe.mjs', command: process.execPath, args: (file) => ['--check', file] },
  },
  // Testcontainers for Java: the regex, with (?s) before it, must match the whole frame, newline included.
  java: {
    image: /DockerImageName\.parse\("([^"]+)"\)/,
    ports: [/withExposedPorts\((\d+)\)/g, /getMappedPort\((\d+)\)/g],
    wait: /Wait\.forLogMessage\("((?:[^"\\]|\\.)*)", 1\)/,
    accepts: (written, line) => new RegExp(`^(?:${unquote(written)})$`, 's').test(`${line}\n`),
    // javac stops after parsing (no Maven Central here, so no library to resolve the names against).
    syntax: {
      tool: 'javac, stopped after parsing',
      file: (code) => `${/\bclass (\w+)/.exec(code)?.[1]}.java`,
      command: 'javac',
      args: (file) => ['--should-stop=ifNoError=PARSE', '-d', join(file, '..', 'classes'), file],
    },
  },
  // testcontainers-go: wait.ForLog looks for the text in the log (a regexp only with AsRegexp()). No Go
  // toolchain here: names only.
  go: {
    image: /Image:\s+"([^"]+)"/,
    ports: [/"(\d+)\/tcp"/g],
    wait: /wait\.ForLog\("((?:[^"\\]|\\.)*)"\)(?!\.AsRegexp)/,
    accepts: (written, line) => line.includes(unquote(written)),
  },
  // testcontainers-python: LogMessageWaitStrategy searches the log with the text as a regular expression.
  python: {
    image: /DockerContainer\("([^"]+)"\)/,
    ports: [/with_exposed_ports\((\d+)\)/g, /get_exposed_port\((\d+)\)/g],
    wait: /LogMessageWaitStrategy\("((?:[^"\\]|\\.)*)"\)/,
    accepts: (written, line) => new RegExp(unquote(written)).test(line),
    syntax: {
      tool: "python3's ast",
      file: () => 'recipe.py',
      command: 'python3',
      args: (file) => ['-c', 'import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])', file],
    },
  },
};

/** Whether `command --version` (or -version) runs here. */
const available = (command: string): boolean =>
  [['--version'], ['-version']].some((args) => spawnSync(command, args, { stdio: 'ignore' }).status === 0);

describe("the README's Testcontainers recipes", () => {
  const recipes = readTestcontainersRecipes();
  const dockerfile = readFileSync(root('Dockerfile'), 'utf8');
  const builtImage = /docker build -t (\S+) \./.exec(dockerfile)?.[1];
  const exposedPort = /^EXPOSE (\d+)$/m.exec(dockerfile)?.[1];
  const optionEnvs = new Set<string>(Object.values(OPTIONS).map((spec) => spec.env));

  it('has one recipe each for Node, Java, Go and Python, and the Dockerfile agrees with itself on the port', () => {
    assert.deepEqual(
      recipes.map((block) => block.lang),
      Object.keys(RECIPES),
    );
    assert.equal(builtImage, 'athenty-fake:latest');
    assert.match(dockerfile, new RegExp(`^\\s*ATHENTY_FAKE_PORT=${exposedPort} \\\\$`, 'm'));
  });

  /** The fake's real output, started as the image starts it: every interface, the port its environment gives. */
  let output: Promise<{ ready: string; others: string[] }> | undefined;
  const realOutput = (): Promise<{ ready: string; others: string[] }> => {
    output ??= (async () => {
      const cli = await startCli(['--db', 'memory'], { ATHENTY_FAKE_HOST: '0.0.0.0', ATHENTY_FAKE_PORT: '0' });
      // Everything it prints from start to stop: the ready line, the keys, the stop.
      await cli.stop();
      await cli.closed;
      const [ready = '', ...rest] = cli.stdout().split('\n');
      return { ready, others: [...rest, ...cli.stderr().split('\n')].filter((line) => line !== '') };
    })();
    return output;
  };

  for (const { lang, code } of recipes) {
    const spec = RECIPES[lang];
    if (!spec) continue;

    it(`${lang}: runs the image the Dockerfile builds, on the port it exposes`, () => {
      assert.equal(spec.image.exec(code)?.[1], builtImage);
      for (const pattern of spec.ports) {
        const ports = [...code.matchAll(pattern)].map((m) => m[1]);
        assert.ok(ports.length > 0, `no ${pattern}`);
        for (const port of ports) assert.equal(port, exposedPort, String(pattern));
      }
    });

    it(`${lang}: names only options the fake has, and seeded, usable keys`, () => {
      const envs = code.match(/\bATHENTY_FAKE_[A-Z_]+\b/g) ?? [];
      assert.ok(envs.length > 0, 'sets at least one option');
      for (const env of envs) assert.ok(optionEnvs.has(env), `${env} is not in the OPTIONS table`);
      const keys = code.match(/\bath_test_\w+/g) ?? [];
      assert.ok(keys.length > 0, 'uses a key');
      for (const key of keys) assert.ok(seededKeys().includes(key), `${key} is not a seeded, usable key`);
    });

    it(`${lang}: waits for a pattern that accepts the fake's real ready line and no other line it prints`, async () => {
      const written = spec.wait.exec(code)?.[1];
      assert.ok(written, `no ${spec.wait}`);
      const { ready, others } = await realOutput();
      assert.match(ready, /^athenty-fake listening on http:\/\/0\.0\.0\.0:\d+$/);
      assert.ok(spec.accepts(written, ready), `${written} does not accept ${JSON.stringify(ready)}`);
      assert.ok(others.length > 0);
      for (const line of others) assert.ok(!spec.accepts(written, line), `${written} also accepts ${JSON.stringify(line)}`);
    });

    const { syntax } = spec;
    if (syntax) {
      const missing = !available(syntax.command) && `${syntax.command} is not installed here`;
      it(`${lang}: parses (${syntax.tool}, offline, without the Testcontainers library)`, { skip: missing }, async () => {
        const file = join(tempDir(), syntax.file(code));
        writeFileSync(file, code);
        const result = await runToEnd(syntax.command, syntax.args(file));
        assert.equal(result.code, 0, `${result.stdout}${result.stderr}`);
      });
    }
  }
});
