#!/usr/bin/env -S MALLOC_ARENA_MAX=1 node --max-semi-space-size=1 --heap-growing-percent=30
// The command line: the only module that touches process (argv, env, output streams, signals, exit).
// The shebang sizes the process for a large store (measured with `npm run bench -- --scale`, 100,000
// clients, peak RSS under the mixed load): one glibc allocator arena for every thread (glibc gives
// each thread that allocates one of its own, up to eight a core, and keeps what was freed in each:
// 160 -> 151 MB), a young generation of 1 MB semi-spaces (16 MB by default; 2 MB cost 2 MB more,
// and creates were no faster), and an old generation that grows by 30% of what a full collection
// leaves (V8's factor is up to 4x; 171 -> 158 MB when it was added). The README says more.
import { rename, rm, writeFile } from 'node:fs/promises';
import yargs, { type Options } from 'yargs';
import { OPTIONS, parseCliConfig, type CliConfig, type CliOptions, type OptionName, type OptionSpec } from './config.js';
import { StartupError } from './errors.js';
import { createLogger } from './logger.js';
import { RESOURCES } from './resources/index.js';
import { startServer, type FakeServer } from './server.js';
import { packageVersion } from './version.js';

function exitWith(message: string): never {
  process.stderr.write(`athenty-fake: ${message}\n`);
  process.exit(1);
}

const ENTRIES = Object.entries(OPTIONS) as [OptionName, OptionSpec][];
const SWITCHES = ENTRIES.filter(([, spec]) => spec.type.form === 'switch').map(([, spec]) => `--${spec.flag}`);

/**
 * How yargs is to take an option. Every option is untyped, and yargs reads no numbers, so each value
 * reaches the option's parser as the text the user typed, as its environment variable does. (Typed,
 * yargs would read --cors=nah as false and --port 80a as NaN.) Untyped, a switch alone is true and
 * --no-cors is false.
 */
function toYargsOption(spec: OptionSpec): Options {
  const { form, choices } = spec.type;
  return {
    describe: `${spec.description} [env: ${spec.env}]`,
    // No yargs default: an absent flag must fall through to the environment variable.
    ...(spec.default === undefined ? {} : { defaultDescription: JSON.stringify(spec.default) }),
    requiresArg: form !== 'switch',
    ...(form === 'list' ? { array: true } : {}),
    ...(choices ? { choices } : {}),
  };
}

/** The command line's option values, by option name; --help, --version and a user error exit here. */
function parseArgv(argv: string[]): CliOptions {
  const parsed = yargs(argv)
    .scriptName('athenty-fake')
    // The fake's own messages are English; yargs's join them in the same language.
    .locale('en')
    .parserConfiguration({ 'parse-numbers': false })
    .usage(
      `Usage: $0 [options]\n\nA local fake of the Athenty REST API (v2): ${RESOURCES.filter((r) => r.operations.length > 0)
        .map((r) => `/${r.name}`)
        .join(', ')} at the root and under /v2/api.\n` +
        'Every option can also be set by its environment variable; a flag wins over the environment.\n' +
        `Switches (${SWITCHES.join(', ')}) take true/false, yes/no, on/off or 1/0, as --flag=WORD or in their variable; ` +
        '--flag alone is true, --no-flag false.',
    )
    .options(Object.fromEntries(ENTRIES.map(([, spec]) => [spec.flag, toYargsOption(spec)])))
    .example('$0', 'serve on http://127.0.0.1:4010 with the seeded keys, storing in ./.athenty-fake/db.json')
    .example('$0 --port 0 --db memory', 'take a free port and keep nothing on disk')
    .example('ATHENTY_FAKE_PORT=8080 $0 --strict', 'port from the environment; reject unknown body keys')
    .example('ATHENTY_FAKE_DURABLE=yes $0 --cors=off', 'write each create before answering; no CORS headers')
    .example('$0 --webhook http://127.0.0.1:9000/hooks', 'send every event of the seeded organisations there, signed (secret on stderr)')
    .example(
      '$0 --clock 2026-01-01T00:00:00Z --magic-delay 500ms',
      'frozen clock; requests for name+approve@... approve 500 ms (of that clock) after creation',
    )
    .strict()
    .version(packageVersion())
    .help()
    .alias('help', 'h')
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .exitProcess(true)
    .fail((message, error) => exitWith(`${(message ?? error?.message ?? 'bad arguments').replace(/\s*\n\s*/g, ' ')} (see --help)`))
    .parseSync();
  return Object.fromEntries(
    ENTRIES.map(([name, spec]) => {
      const value = parsed[spec.flag] as unknown;
      // The last of a repeated flag wins; --fault collects them all.
      return [name, spec.type.form !== 'list' && Array.isArray(value) ? value.at(-1) : value];
    }),
  ) as CliOptions;
}

function printKeys(server: FakeServer): void {
  const keys = Object.values(server.apiKeys);
  const width = Math.max(...keys.map((k) => k.label.length));
  const notes: Record<string, string> = {
    RATE_LIMITED: 'magic: always 429',
    PAYMENT_REQUIRED: 'magic: always 402, subscription inactive',
    FORBIDDEN: 'magic: always 403, plan without API access',
  };
  const lines = keys.map((k) => {
    const note = k.revoked ? 'revoked: answers 401' : k.simulate === undefined ? undefined : notes[k.simulate];
    return `  ${k.label.padEnd(width)}  ${k.key}  ${k.orgId}${note === undefined ? '' : `  (${note})`}`;
  });
  process.stderr.write(`API keys (send as X-Api-Key), base URL ${server.url}/v2/api:\n${lines.join('\n')}\n`);
  process.stderr.write(`Inspector: ${server.url}/__admin/ui/\n`);
  for (const note of server.fake.startupNotes()) process.stderr.write(`${note}\n`);
}

/**
 * Tells a health probe where the fake listens, so that the probe need not read the fake's options.
 * The admin token goes in too, readable by this user only (it could read the token from this
 * process's command line or environment anyway). A temporary file and a rename: a probe never reads
 * half a file.
 */
async function writeReadyFile(path: string, server: FakeServer, config: CliConfig): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  const ready = { url: server.url, ...(config.adminToken === undefined ? {} : { adminToken: config.adminToken }) };
  try {
    await writeFile(temporary, `${JSON.stringify(ready)}\n`, { mode: 0o600 });
    await rename(temporary, path);
  } catch (error) {
    await server.close();
    throw new StartupError(`ready file ${path}: could not write it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

async function main(): Promise<void> {
  const config = parseCliConfig(parseArgv(process.argv.slice(2)), process.env);
  const logger = createLogger(config.logLevel, (line) => process.stderr.write(`${line}\n`));
  const server = await startServer(config, { logger });
  const { readyFile } = config;
  if (readyFile !== undefined) await writeReadyFile(readyFile, server, config);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      // A second signal means the user does not want to wait for the store to be written.
      process.exit(1);
    }
    stopping = true;
    logger.info(`${signal}: stopping`);
    // The ready file goes as the server closes: a stopping fake is no longer ready.
    const removed = readyFile === undefined ? Promise.resolve() : rm(readyFile, { force: true });
    Promise.all([removed, server.close()]).then(
      () => process.exit(0),
      (error: Error) => exitWith(`could not stop cleanly: ${error.message}`),
    );
  };
  // Before the ready line: a harness may signal as soon as it reads it, and without a handler the
  // signal would kill the process without writing the store.
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.stdout.write(`athenty-fake listening on ${server.url}\n`);
  if (config.logLevel !== 'silent') printKeys(server);
}

main().catch((error: unknown) => {
  if (error instanceof StartupError) exitWith(error.message);
  exitWith(`could not start: ${(error as Error)?.message ?? String(error)}`);
});
