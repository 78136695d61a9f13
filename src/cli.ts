#!/usr/bin/env node
// The command line: the only module that touches process (argv, env, output streams, signals, exit).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Options } from 'yargs';
import { OPTIONS, parseConfig, type OptionName, type OptionSpec, type RawOptions } from './config.js';
import { StartupError } from './errors.js';
import { createLogger } from './logger.js';
import { startServer, type FakeServer } from './server.js';
import { packageVersion } from './version.js';

function exitWith(message: string): never {
  process.stderr.write(`athenty-fake: ${message}\n`);
  process.exit(1);
}

function yargsType(spec: OptionSpec): Options {
  if (spec.type === 'array') return { type: 'string', array: true };
  // Numbers untyped: yargs then turns "8080" into 8080 but leaves "80a" as text for parseConfig to
  // name, as the common-case parser does (typed, it would be NaN).
  if (spec.type === 'number') return {};
  return { type: spec.type };
}

function toYargsOption(spec: OptionSpec): Options {
  return {
    ...yargsType(spec),
    describe: `${spec.description} [env: ${spec.env}]`,
    // No yargs default: an absent flag must fall through to the environment variable.
    ...(spec.default === undefined ? {} : { defaultDescription: JSON.stringify(spec.default) }),
    requiresArg: spec.type !== 'boolean',
    ...(spec.choices ? { choices: spec.choices } : {}),
  };
}

const ENTRIES = Object.entries(OPTIONS) as [OptionName, OptionSpec][];

/**
 * The common case without loading yargs (a fifth of a cold start): Node's own parser over the
 * same option table, giving the same values yargs gives (the last of a repeated flag wins). What it
 * does not take as it is (--help, --version, --no-*, camel-case flags, an unknown flag, a missing
 * value, a value outside the choices) returns undefined, for yargs to parse, explain or refuse.
 */
function parseCommonCase(argv: string[]): RawOptions | undefined {
  const options: ParseArgsConfig['options'] = Object.fromEntries(
    ENTRIES.map(([, spec]) => [spec.flag, { type: spec.type === 'boolean' ? 'boolean' : 'string', multiple: spec.type === 'array' }]),
  );
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch {
    return undefined;
  }
  const raw: RawOptions = {};
  for (const [name, spec] of ENTRIES) {
    const value = parsed.values[spec.flag];
    if (value === undefined) continue;
    if (spec.choices !== undefined && !spec.choices.includes(value as string)) return undefined;
    // Numbers as yargs gives them; text that is no number stays text, for parseConfig to name.
    raw[name] = spec.type === 'number' && (value as string).trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : (value as string);
  }
  return raw;
}

async function parseWithYargs(argv: string[]): Promise<RawOptions> {
  const { default: yargs } = await import('yargs');
  const parsed = yargs(argv)
    .scriptName('athenty-fake')
    .usage(
      'Usage: $0 [options]\n\nA local fake of the Athenty REST API (v2): POST/GET /clients at the root and under /v2/api.\nEvery option can also be set by its environment variable; a flag wins over the environment.',
    )
    .options(Object.fromEntries(ENTRIES.map(([, spec]) => [spec.flag, toYargsOption(spec)])))
    .example('$0', 'serve on http://127.0.0.1:4010 with the seeded keys, storing in ./.athenty-fake/db.json')
    .example('$0 --port 0 --db memory', 'take a free port and keep nothing on disk')
    .example('ATHENTY_FAKE_PORT=8080 $0 --strict', 'port from the environment; reject unknown body keys')
    .strict()
    .version(packageVersion())
    .help()
    .alias('help', 'h')
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .exitProcess(true)
    .fail((message, error) => exitWith(`${(message ?? error?.message).replace(/\s*\n\s*/g, ' ')} (see --help)`))
    .parseSync();
  return Object.fromEntries(
    ENTRIES.map(([name, spec]) => {
      const value = parsed[spec.flag] as unknown;
      // The last of a repeated flag wins, as in the common case; --fault collects them all.
      return [name, spec.type !== 'array' && Array.isArray(value) ? value.at(-1) : value];
    }),
  ) as RawOptions;
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
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const config = parseConfig(parseCommonCase(argv) ?? (await parseWithYargs(argv)), process.env);
  const logger = createLogger(config.logLevel, (line) => process.stderr.write(`${line}\n`));
  const server = await startServer(config, { logger });
  process.stdout.write(`athenty-fake listening on ${server.url}\n`);
  if (config.logLevel !== 'silent') printKeys(server);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      // A second signal means the user does not want to wait for the store to be written.
      process.exit(1);
    }
    stopping = true;
    logger.info(`${signal}: stopping`);
    server.close().then(
      () => process.exit(0),
      (error: Error) => exitWith(`could not stop cleanly: ${error.message}`),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  if (error instanceof StartupError) exitWith(error.message);
  exitWith(`could not start: ${(error as Error)?.message ?? String(error)}`);
});
