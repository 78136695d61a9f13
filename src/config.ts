// Every option of the fake, declared once, and parseConfig: flags, then environment, then defaults,
// checked into one frozen Config.
import type { ClockSetting } from './clock.js';
import { StartupError } from './errors.js';
import { checkFaultRule, parseFaultSpec, type FaultRuleInput } from './faults/fault-rule.js';
import { LOG_LEVELS, type LogLevel } from './logger.js';
import { PACKAGE_FIXTURES } from './paths.js';
import type { StoreLocation } from './store/store.js';


/** The complete, checked configuration of one fake server. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly store: StoreLocation;
  readonly keysFile: string;
  /** `undefined` when the fake starts without starting clients. */
  readonly seedFile: string | undefined;
  readonly strict: boolean;
  readonly logLevel: LogLevel;
  readonly bodyLimitBytes: number;
  /** When set, every admin call needs `Authorization: Bearer <adminToken>`. */
  readonly adminToken: string | undefined;
  /** Requests per key per window; 0 turns rate limiting off. */
  readonly rateLimit: number;
  readonly rateWindowSeconds: number;
  /** Start-up fault rules from --fault, checked. */
  readonly faultRules: readonly FaultRuleInput[];
  /** Start-up fault rules file (--faults), read by the server. */
  readonly faultsFile: string | undefined;
  /** Seeds ids and fault probabilities, so that a run repeats; undefined: random. */
  readonly randomSeed: number | undefined;
  /** The system time, or frozen at an instant. */
  readonly clock: ClockSetting;
  /** How many requests the journal keeps. */
  readonly journalSize: number;
  /** Write the store file before a create answers, instead of shortly after. */
  readonly durable: boolean;
  /** Answer CORS preflights and allow any origin. */
  readonly cors: boolean;
}

type OptionType = 'number' | 'string' | 'boolean' | 'array';

/** One option: its flag, environment variable, type, default and help text. */
export interface OptionSpec {
  readonly flag: string;
  readonly env: string;
  readonly type: OptionType;
  /** `undefined`: the option is off unless given. */
  readonly default: string | number | boolean | undefined;
  readonly description: string;
  readonly choices?: readonly string[];
}

/**
 * Every option, by the name the programmatic API uses. The CLI derives its flags, variables and
 * help from this table.
 *
 * @example
 * OPTIONS.port; // { flag: 'port', env: 'ATHENTY_FAKE_PORT', type: 'number', default: 4010, ... }
 */
export const OPTIONS = {
  port: {
    flag: 'port',
    env: 'ATHENTY_FAKE_PORT',
    type: 'number',
    default: 4010,
    description: 'Port to listen on (0 takes a free port)',
  },
  host: {
    flag: 'host',
    env: 'ATHENTY_FAKE_HOST',
    type: 'string',
    default: '127.0.0.1',
    description: 'Address to listen on (0.0.0.0 for every interface)',
  },
  db: {
    flag: 'db',
    env: 'ATHENTY_FAKE_DB',
    type: 'string',
    default: './.athenty-fake/db.json',
    description: "Store file, or 'memory' to keep nothing on disk",
  },
  keys: {
    flag: 'keys',
    env: 'ATHENTY_FAKE_KEYS',
    type: 'string',
    default: PACKAGE_FIXTURES.keys,
    description: 'API keys file (JSON)',
  },
  seed: {
    flag: 'seed',
    env: 'ATHENTY_FAKE_SEED',
    type: 'string',
    default: PACKAGE_FIXTURES.seed,
    description: "Starting clients file (JSON), loaded into an empty store; 'none' for no starting clients",
  },
  strict: {
    flag: 'strict',
    env: 'ATHENTY_FAKE_STRICT',
    type: 'boolean',
    default: false,
    description: 'Reject unknown and read-only body keys (422) instead of dropping them',
  },
  logLevel: {
    flag: 'log-level',
    env: 'ATHENTY_FAKE_LOG_LEVEL',
    type: 'string',
    default: 'info',
    description: 'How much to log on stderr (info logs one line per request)',
    choices: LOG_LEVELS,
  },
  bodyLimit: {
    flag: 'body-limit',
    env: 'ATHENTY_FAKE_BODY_LIMIT',
    type: 'string',
    default: '1mb',
    description: 'Largest request body accepted (bytes, or with kb/mb); larger ones get 413',
  },
  rateLimit: {
    flag: 'rate-limit',
    env: 'ATHENTY_FAKE_RATE_LIMIT',
    type: 'number',
    default: 100,
    description: 'Requests per API key per window; 0 turns the server-wide limit off (per-key limits in the keys file stay)',
  },
  rateWindow: {
    flag: 'rate-window',
    env: 'ATHENTY_FAKE_RATE_WINDOW',
    type: 'number',
    default: 60,
    description: 'Rate-limit window in seconds (fixed window per key)',
  },
  fault: {
    flag: 'fault',
    env: 'ATHENTY_FAKE_FAULT',
    type: 'array',
    default: undefined,
    description:
      'A fault rule "METHOD PATH key=value ..." (repeatable; in the variable, separate rules with ;), e.g. "POST /clients status=429 times=2"',
  },
  faults: {
    flag: 'faults',
    env: 'ATHENTY_FAKE_FAULTS',
    type: 'string',
    default: undefined,
    description: 'JSON file with a list of fault rules',
  },
  randomSeed: {
    flag: 'random-seed',
    env: 'ATHENTY_FAKE_RANDOM_SEED',
    type: 'number',
    default: undefined,
    description: 'Seed for ids and fault probabilities, so that a run repeats',
  },
  durable: {
    flag: 'durable',
    env: 'ATHENTY_FAKE_DURABLE',
    type: 'boolean',
    default: false,
    description: 'Write the store file before each create answers (slower; nothing acknowledged is lost on a crash)',
  },
  cors: {
    flag: 'cors',
    env: 'ATHENTY_FAKE_CORS',
    type: 'boolean',
    default: true,
    description: 'Allow browsers on any origin to call the fake (--no-cors turns it off)',
  },
  clock: {
    flag: 'clock',
    env: 'ATHENTY_FAKE_CLOCK',
    type: 'string',
    default: 'system',
    description: "'system', or an ISO 8601 instant to start frozen at (e.g. 2026-01-01T00:00:00.000Z)",
  },
  journalSize: {
    flag: 'journal-size',
    env: 'ATHENTY_FAKE_JOURNAL_SIZE',
    type: 'number',
    default: 1000,
    description: 'Requests the journal keeps (oldest dropped)',
  },
  adminToken: {
    flag: 'admin-token',
    env: 'ATHENTY_FAKE_ADMIN_TOKEN',
    type: 'string',
    default: undefined,
    description: 'Require Authorization: Bearer TOKEN on every /__admin call',
  },
} as const satisfies Record<string, OptionSpec>;

/** An option's name, e.g. `logLevel`. */
export type OptionName = keyof typeof OPTIONS;

/** Option values as a caller gives them: flags from the CLI, or `startFake()` options. */
export type RawOptions = { [K in OptionName]?: string | number | boolean | readonly string[] | undefined };

/** The environment variables to read (only the CLI passes `process.env`). */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Defaults for in-process use: a free port, memory only, quiet.
 *
 * @example
 * parseConfig({ seed: 'none' }, {}, PROGRAMMATIC_DEFAULTS); // what startFake({ seed: 'none' }) uses
 */
export const PROGRAMMATIC_DEFAULTS: RawOptions = { port: 0, db: 'memory', logLevel: 'warn' };

interface Source {
  value: string | number | boolean | readonly string[] | undefined;
  /** How the user named it, for error messages: `--port` or `ATHENTY_FAKE_PORT`. */
  name: string;
}

function sourceOf(name: OptionName, values: RawOptions, env: Env, defaults: RawOptions): Source {
  const spec: OptionSpec = OPTIONS[name];
  const given = values[name];
  if (given !== undefined) return { value: given, name: `--${spec.flag}` };
  const fromEnv = env[spec.env];
  if (fromEnv !== undefined) return { value: fromEnv, name: spec.env };
  return { value: defaults[name] ?? spec.default, name: `--${spec.flag}` };
}

function fail(source: Source, expected: string): never {
  throw new StartupError(`${source.name}: expected ${expected}, got ${JSON.stringify(source.value)}`);
}

function integer(source: Source, min: number, max: number): number {
  const n = typeof source.value === 'number' ? source.value : Number(String(source.value).trim() || NaN);
  if (!Number.isInteger(n) || n < min || n > max) fail(source, `an integer from ${min} to ${max}`);
  return n;
}

function text(source: Source): string {
  if (typeof source.value !== 'string' || source.value.trim() === '') fail(source, 'a non-empty string');
  return source.value;
}

function optionalText(source: Source): string | undefined {
  return source.value === undefined ? undefined : text(source);
}

function optionalInteger(source: Source, min: number, max: number): number | undefined {
  return source.value === undefined ? undefined : integer(source, min, max);
}

/** The --fault rules: repeated flags, or one variable with rules separated by `;`. */
function faultRules(source: Source): FaultRuleInput[] {
  if (source.value === undefined) return [];
  const specs =
    typeof source.value === 'string'
      ? source.name.startsWith('--')
        ? [source.value]
        : source.value.split(';').map((s) => s.trim()).filter((s) => s !== '')
      : Array.isArray(source.value)
        ? source.value.map(String)
        : fail(source, 'a fault rule such as "POST /clients status=429"');
  return specs.map((spec) => {
    const problem = (message: string): never => {
      throw new StartupError(`${source.name} ${JSON.stringify(spec)}: ${message}`);
    };
    let rule: FaultRuleInput;
    try {
      rule = parseFaultSpec(spec);
    } catch (error) {
      return problem((error as Error).message);
    }
    const first = checkFaultRule(rule)[0];
    if (first !== undefined) problem(`${first.field || '(rule)'}: ${first.message}`);
    return rule;
  });
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

function clockSetting(source: Source): ClockSetting {
  if (source.value === 'system') return { mode: 'system' };
  const at = typeof source.value === 'string' && ISO_INSTANT.test(source.value) ? Date.parse(source.value) : NaN;
  if (!Number.isFinite(at)) fail(source, "'system' or an ISO 8601 instant such as 2026-01-01T00:00:00.000Z");
  return { mode: 'frozen', at };
}

function boolean(source: Source): boolean {
  if (typeof source.value === 'boolean') return source.value;
  const normalised = String(source.value).trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(normalised)) return true;
  if (['false', '0', 'no', 'off'].includes(normalised)) return false;
  return fail(source, 'true or false');
}

function choice<T extends string>(source: Source, choices: readonly T[]): T {
  if (!choices.includes(source.value as T)) fail(source, `one of ${choices.join(', ')}`);
  return source.value as T;
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

function byteSize(source: Source): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(String(source.value));
  const bytes = match ? Math.floor(Number(match[1]) * (SIZE_UNITS[(match[2] ?? '').toLowerCase()] ?? NaN)) : NaN;
  if (!Number.isFinite(bytes) || bytes < 1) fail(source, 'a size such as 1mb, 512kb or 65536');
  return bytes;
}

/**
 * Builds the configuration from option values, the environment and defaults (in that order of
 * precedence), checking every value. A bad value throws a {@link StartupError} naming the flag or
 * environment variable.
 *
 * @example
 * parseConfig({ port: 0 }, { ATHENTY_FAKE_DB: 'memory' }); // { port: 0, store: { kind: 'memory' }, ... }
 */
export function parseConfig(values: RawOptions, env: Env = {}, defaults: RawOptions = {}): Config {
  const get = (name: OptionName): Source => sourceOf(name, values, env, defaults);
  const db = text(get('db'));
  const seed = text(get('seed'));
  const config: Config = {
    port: integer(get('port'), 0, 65535),
    host: text(get('host')),
    store: db === 'memory' ? { kind: 'memory' } : { kind: 'file', path: db },
    keysFile: text(get('keys')),
    seedFile: seed === 'none' ? undefined : seed,
    strict: boolean(get('strict')),
    logLevel: choice(get('logLevel'), LOG_LEVELS),
    bodyLimitBytes: byteSize(get('bodyLimit')),
    adminToken: optionalText(get('adminToken')),
    rateLimit: integer(get('rateLimit'), 0, 1_000_000_000),
    rateWindowSeconds: integer(get('rateWindow'), 1, 31_536_000),
    faultRules: faultRules(get('fault')),
    faultsFile: optionalText(get('faults')),
    randomSeed: optionalInteger(get('randomSeed'), 0, 4_294_967_295),
    clock: clockSetting(get('clock')),
    journalSize: integer(get('journalSize'), 1, 1_000_000),
    durable: boolean(get('durable')),
    cors: boolean(get('cors')),
  };
  return Object.freeze(config);
}
