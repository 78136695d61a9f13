// Every option of the fake, declared once with the parser of its value, and parseConfig: flags, then
// environment, then defaults, each read by its option's parser into one frozen Config.
import { clockRangeProblem, parseInstant, type ClockSetting } from './clock.js';
import { StartupError } from './errors.js';
import { checkFaultRule, parseFaultSpec, type FaultRuleInput } from './faults/fault-rule.js';
import { LOG_LEVELS } from './logger.js';
import { PACKAGE_FIXTURES } from './paths.js';
import type { StoreLocation } from './store/store.js';

/**
 * A value as the command line gives it: text, true or false for a switch given alone or as
 * --no-flag, or a list for a repeated --fault. The environment gives text.
 */
export type CliValue = string | boolean | readonly string[];

/** A value as it reaches a parser: as `startFake()` takes it (`In`), or from the command line or the environment. */
export interface GivenValue<In> {
  readonly value: In | CliValue | undefined;
  /** How the user named it, for error messages: `--port` or `ATHENTY_FAKE_PORT`. */
  readonly name: string;
}

/**
 * How one option's value is given and read: `In` is what `startFake()` takes, `Out` what the
 * Config holds.
 *
 * @example
 * OPTIONS.port.type.parse({ value: '8080', name: '--port' }); // 8080
 */
export interface ValueType<In, Out> {
  /**
   * How the command line takes it: `text` after the flag; a `switch`, alone (true), as --no-flag
   * (false) or as --flag=WORD; a `list`, one text per repeated flag.
   */
  readonly form: 'text' | 'switch' | 'list';
  /** For a text with a fixed set of values: the values, for the CLI to list and check. */
  readonly choices?: readonly string[];
  /** Reads the value; a bad one throws a {@link StartupError} that names `given.name`. */
  parse(given: GivenValue<In>): Out;
}

function fail(given: GivenValue<unknown>, expected: string): never {
  throw new StartupError(`${given.name}: expected ${expected}, got ${JSON.stringify(given.value)}`);
}

/** An integer from `min` to `max`; text is read as a number. */
function integer(min: number, max: number): ValueType<number, number> {
  return {
    form: 'text',
    parse(given) {
      const { value } = given;
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      // The message shows the number read when the text is one, so --port 70000 and
      // ATHENTY_FAKE_PORT=70000 are refused in the same words.
      if (!Number.isInteger(n) || n < min || n > max)
        fail(Number.isFinite(n) ? { ...given, value: n } : given, `an integer from ${min} to ${max}`);
      return n;
    },
  };
}

function readText(given: GivenValue<string>): string {
  if (typeof given.value !== 'string' || given.value.trim() === '') fail(given, 'a non-empty string');
  return given.value;
}

/** A non-empty string. */
const text: ValueType<string, string> = { form: 'text', parse: readText };

/** Absent stays `undefined`; anything given is read by `type`. */
function optional<In, Out>(type: ValueType<In, Out>): ValueType<In, Out | undefined> {
  return { ...type, parse: (given) => (given.value === undefined ? undefined : type.parse(given)) };
}

const SWITCH_WORDS = new Map([
  ...['true', '1', 'yes', 'on'].map((w) => [w, true] as const),
  ...['false', '0', 'no', 'off'].map((w) => [w, false] as const),
]);

/** On or off: true or false, or a word such as yes, no, on, off, 1 or 0, in any case. */
const boolean: ValueType<boolean, boolean> = {
  form: 'switch',
  parse(given) {
    if (typeof given.value === 'boolean') return given.value;
    return SWITCH_WORDS.get(String(given.value).trim().toLowerCase()) ?? fail(given, 'true or false');
  },
};

function choice<T extends string>(choices: readonly T[]): ValueType<T, T> {
  return {
    form: 'text',
    choices,
    parse(given) {
      if (!choices.includes(given.value as T)) fail(given, `one of ${choices.join(', ')}`);
      return given.value as T;
    },
  };
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** A number of bytes, or text such as `512kb` or `1mb`. */
const byteSize: ValueType<string | number, number> = {
  form: 'text',
  parse(given) {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(String(given.value));
    const bytes = match ? Math.floor(Number(match[1]) * (SIZE_UNITS[(match[2] ?? '').toLowerCase()] ?? NaN)) : NaN;
    if (!Number.isFinite(bytes) || bytes < 1) fail(given, 'a size such as 1mb, 512kb or 65536');
    return bytes;
  },
};

const DURATION_UNITS: Record<string, number> = { '': 1, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A duration in milliseconds: a number, or text such as `2000`, `500ms`, `2s` or `1m`. */
const duration: ValueType<string | number, number> = {
  form: 'text',
  parse(given) {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(String(given.value));
    const ms = match ? Math.round(Number(match[1]) * (DURATION_UNITS[(match[2] ?? '').toLowerCase()] ?? NaN)) : NaN;
    if (!Number.isSafeInteger(ms)) fail(given, 'a duration such as 2s, 500ms or 2000');
    return ms;
  },
};

/** A store file path, or `memory`. */
const storeLocation: ValueType<string, StoreLocation> = {
  form: 'text',
  parse(given) {
    const db = readText(given);
    return db === 'memory' ? { kind: 'memory' } : { kind: 'file', path: db };
  },
};

/** A seed file (starting records by collection), or `none` (`undefined`). */
const seedFile: ValueType<string, string | undefined> = {
  form: 'text',
  parse(given) {
    const seed = readText(given);
    return seed === 'none' ? undefined : seed;
  },
};

/** The --fault rules: repeated flags, or one variable with rules separated by `;`. */
const faultRules: ValueType<readonly string[], readonly FaultRuleInput[]> = {
  form: 'list',
  parse(given) {
    const { value, name } = given;
    if (value === undefined) return [];
    const specs =
      typeof value === 'string'
        ? name.startsWith('--')
          ? [value]
          : value
              .split(';')
              .map((s) => s.trim())
              .filter((s) => s !== '')
        : Array.isArray(value)
          ? value.map(String)
          : fail(given, 'a fault rule such as "POST /clients status=429"');
    return specs.map((spec) => {
      const problem = (message: string): never => {
        throw new StartupError(`${name} ${JSON.stringify(spec)}: ${message}`);
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
  },
};

/** The --webhook URLs: repeated flags, or one variable with URLs separated by spaces; each http or https. */
const webhookUrls: ValueType<readonly string[], readonly string[]> = {
  form: 'list',
  parse(given) {
    const { value, name } = given;
    if (value === undefined) return [];
    const urls =
      typeof value === 'string'
        ? name.startsWith('--')
          ? [value]
          : value.split(/\s+/).filter((url) => url !== '')
        : Array.isArray(value)
          ? value.map(String)
          : fail(given, 'an http or https URL');
    for (const url of urls) {
      let protocol: string | undefined;
      try {
        protocol = new URL(url).protocol;
      } catch {
        protocol = undefined;
      }
      if (protocol !== 'http:' && protocol !== 'https:') fail({ ...given, value: url }, 'an http or https URL');
    }
    return urls;
  },
};

/** A Standard Webhooks secret: `whsec_` and base64. */
const webhookSecret: ValueType<string, string> = {
  form: 'text',
  parse(given) {
    const secret = readText(given);
    const key = secret.slice('whsec_'.length);
    if (!secret.startsWith('whsec_') || !/^[A-Za-z0-9+/]{4,}={0,2}$/.test(key) || key.length % 4 !== 0) {
      fail(given, 'whsec_ followed by base64, e.g. whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    }
    return secret;
  },
};

/** `system`, or an ISO 8601 instant to start frozen at. */
const clockSetting: ValueType<string, ClockSetting> = {
  form: 'text',
  parse(given) {
    if (given.value === 'system') return { mode: 'system' };
    const at = typeof given.value === 'string' ? parseInstant(given.value) : undefined;
    if (at === undefined) fail(given, "'system' or an ISO 8601 instant such as 2026-01-01T00:00:00.000Z");
    const outOfRange = clockRangeProblem(at as number);
    if (outOfRange !== undefined) throw new StartupError(`${given.name}: ${outOfRange}, got ${JSON.stringify(given.value)}`);
    return { mode: 'frozen', at };
  },
};

/** One option: its flag, environment variable, value type, default and help text. */
export interface OptionSpec {
  readonly flag: string;
  readonly env: string;
  readonly type: ValueType<never, unknown>;
  /** Read by `type` like a given value; `undefined`: the option is off unless given. */
  readonly default: string | number | boolean | undefined;
  readonly description: string;
  /** The Config field it fills, when not the option's own name. */
  readonly field?: string;
  /** Only the command line takes it (it is about the CLI process, not the server). */
  readonly cliOnly?: true;
}

/**
 * Every option, by the name the programmatic API uses. The CLI derives its flags, variables and
 * help from this table, `Config` its fields and `startFake()` its options.
 *
 * @example
 * OPTIONS.port; // { flag: 'port', env: 'ATHENTY_FAKE_PORT', type: integer(0, 65535), default: 4010, ... }
 */
export const OPTIONS = {
  port: {
    flag: 'port',
    env: 'ATHENTY_FAKE_PORT',
    type: integer(0, 65535),
    default: 4010,
    description: 'Port to listen on (0 takes a free port)',
  },
  host: {
    flag: 'host',
    env: 'ATHENTY_FAKE_HOST',
    type: text,
    default: '127.0.0.1',
    description: 'Address to listen on (0.0.0.0 for every interface)',
  },
  db: {
    flag: 'db',
    env: 'ATHENTY_FAKE_DB',
    type: storeLocation,
    field: 'store',
    default: './.athenty-fake/db.json',
    description: "Store file, or 'memory' to keep nothing on disk",
  },
  keys: {
    flag: 'keys',
    env: 'ATHENTY_FAKE_KEYS',
    type: text,
    field: 'keysFile',
    default: PACKAGE_FIXTURES.keys,
    description: 'API keys file (JSON)',
  },
  seed: {
    flag: 'seed',
    env: 'ATHENTY_FAKE_SEED',
    type: seedFile,
    field: 'seedFile',
    default: PACKAGE_FIXTURES.seed,
    description:
      "Starting records file (JSON snapshot), loaded into an empty store; 'none' for none (default: the package's clients and requests fixtures)",
  },
  strict: {
    flag: 'strict',
    env: 'ATHENTY_FAKE_STRICT',
    type: boolean,
    default: false,
    description: 'Reject unknown and read-only body keys (422) instead of dropping them',
  },
  logLevel: {
    flag: 'log-level',
    env: 'ATHENTY_FAKE_LOG_LEVEL',
    type: choice(LOG_LEVELS),
    default: 'info',
    description: 'How much to log on stderr (info logs one line per request)',
  },
  bodyLimit: {
    flag: 'body-limit',
    env: 'ATHENTY_FAKE_BODY_LIMIT',
    type: byteSize,
    field: 'bodyLimitBytes',
    default: '1mb',
    description:
      'Largest request body accepted (bytes, or with kb/mb); larger ones get 413 (a state import, PUT /__admin/state, takes any size)',
  },
  rateLimit: {
    flag: 'rate-limit',
    env: 'ATHENTY_FAKE_RATE_LIMIT',
    type: integer(0, 1_000_000_000),
    default: 100,
    description: 'Requests per API key per window; 0 turns the server-wide limit off (per-key limits in the keys file stay)',
  },
  rateWindow: {
    flag: 'rate-window',
    env: 'ATHENTY_FAKE_RATE_WINDOW',
    type: integer(1, 31_536_000),
    field: 'rateWindowSeconds',
    default: 60,
    description: 'Rate-limit window in seconds (fixed window per key)',
  },
  fault: {
    flag: 'fault',
    env: 'ATHENTY_FAKE_FAULT',
    type: faultRules,
    field: 'faultRules',
    default: undefined,
    description:
      'A fault rule "METHOD PATH key=value ..." (repeatable; in the variable, separate rules with ;), e.g. "POST /clients status=429 times=2"',
  },
  faults: {
    flag: 'faults',
    env: 'ATHENTY_FAKE_FAULTS',
    type: optional(text),
    field: 'faultsFile',
    default: undefined,
    description: 'JSON file with a list of fault rules',
  },
  randomSeed: {
    flag: 'random-seed',
    env: 'ATHENTY_FAKE_RANDOM_SEED',
    type: optional(integer(0, 4_294_967_295)),
    default: undefined,
    description: 'Seed for ids and fault probabilities, so that a run repeats',
  },
  durable: {
    flag: 'durable',
    env: 'ATHENTY_FAKE_DURABLE',
    type: boolean,
    default: false,
    description: 'Write the store file before each create answers (slower; nothing acknowledged is lost on a crash)',
  },
  cors: {
    flag: 'cors',
    env: 'ATHENTY_FAKE_CORS',
    type: boolean,
    default: true,
    description: 'Allow browsers on any origin to call the fake (--no-cors turns it off)',
  },
  clock: {
    flag: 'clock',
    env: 'ATHENTY_FAKE_CLOCK',
    type: clockSetting,
    default: 'system',
    description: "'system', or an ISO 8601 instant to start frozen at (e.g. 2026-01-01T00:00:00.000Z)",
  },
  magicDelay: {
    flag: 'magic-delay',
    env: 'ATHENTY_FAKE_MAGIC_DELAY',
    type: duration,
    field: 'magicDelayMs',
    default: '2s',
    description:
      "How long after creation, on the fake's clock, a request whose subject email is magic (+approve, +reject, +review, +expire) walks to that outcome",
  },
  journalSize: {
    flag: 'journal-size',
    env: 'ATHENTY_FAKE_JOURNAL_SIZE',
    type: integer(1, 1_000_000),
    default: 1000,
    description: 'Requests the journal keeps (oldest dropped)',
  },
  journalBytes: {
    flag: 'journal-bytes',
    env: 'ATHENTY_FAKE_JOURNAL_BYTES',
    type: byteSize,
    default: '32mb',
    description:
      'Bytes the journal keeps (bodies, URLs, headers; oldest requests dropped beyond it); a body over 64 KB is kept as {truncated, bytes}',
  },
  webhook: {
    flag: 'webhook',
    env: 'ATHENTY_FAKE_WEBHOOK',
    type: webhookUrls,
    field: 'webhookUrls',
    default: undefined,
    description:
      'Subscribe the seeded organisations to every webhook event at this http(s) URL (repeatable; in the variable, separate URLs with spaces)',
  },
  webhookSecret: {
    flag: 'webhook-secret',
    env: 'ATHENTY_FAKE_WEBHOOK_SECRET',
    type: optional(webhookSecret),
    default: undefined,
    description: 'The whsec_ secret that signs the --webhook deliveries (default: generated, and printed on stderr beside the keys)',
  },
  adminToken: {
    flag: 'admin-token',
    env: 'ATHENTY_FAKE_ADMIN_TOKEN',
    type: optional(text),
    default: undefined,
    description: 'Require Authorization: Bearer TOKEN on every /__admin call',
  },
  readyFile: {
    flag: 'ready-file',
    env: 'ATHENTY_FAKE_READY_FILE',
    type: optional(text),
    default: undefined,
    cliOnly: true,
    description: 'Once listening, write {url, adminToken} to this JSON file (mode 0600), for a health probe; removed on stop',
  },
} as const satisfies Record<string, OptionSpec>;

/** An option's name, e.g. `logLevel`. */
export type OptionName = keyof typeof OPTIONS;

type Spec<K extends OptionName> = (typeof OPTIONS)[K];

/** The options a server takes, i.e. all but the command line's own. */
type ServerOptionName = { [K in OptionName]: Spec<K> extends { readonly cliOnly: true } ? never : K }[OptionName];

type InputOf<K extends OptionName> = Spec<K>['type'] extends ValueType<infer In, unknown> ? In : never;
type OutputOf<K extends OptionName> = Spec<K>['type'] extends ValueType<never, infer Out> ? Out : never;
type FieldOf<K extends OptionName> = Spec<K> extends { readonly field: infer F extends string } ? F : K;

type ConfigOf<Names extends OptionName> = { readonly [K in Names as FieldOf<K>]: OutputOf<K> };

/** The complete, checked configuration of one fake server: one field per option, as its parser reads it. */
export type Config = ConfigOf<ServerOptionName>;

/** The configuration of the command line: the server's, and the CLI's own options. */
export type CliConfig = ConfigOf<OptionName>;

/** Option values as `startFake()` takes them, each typed as its parser takes it. */
export type ServerOptions = { [K in ServerOptionName]?: InputOf<K> };

/** Option values as a caller gives them: `startFake()` options, or values from the command line. */
export type RawOptions = { [K in ServerOptionName]?: InputOf<K> | CliValue };

/** Every option's value as the command line gives it. */
export type CliOptions = { [K in OptionName]?: CliValue };

/** The environment variables to read (only the CLI passes `process.env`). */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Defaults for in-process use: a free port, memory only, quiet.
 *
 * @example
 * parseConfig({ seed: 'none' }, {}, PROGRAMMATIC_DEFAULTS); // what startFake({ seed: 'none' }) uses
 */
export const PROGRAMMATIC_DEFAULTS: ServerOptions = { port: 0, db: 'memory', logLevel: 'warn' };

type AnyValues = Readonly<Partial<Record<OptionName, unknown>>>;

function readOptions(names: readonly OptionName[], values: AnyValues, env: Env, defaults: AnyValues): Readonly<Record<string, unknown>> {
  const config: Record<string, unknown> = {};
  for (const name of names) {
    const spec: OptionSpec = OPTIONS[name];
    const fromEnv = values[name] === undefined ? env[spec.env] : undefined;
    const value = values[name] ?? fromEnv ?? defaults[name] ?? spec.default;
    // The cast is safe because every parser checks at run time what it gets, whoever gave it.
    const given = { value, name: fromEnv === undefined ? `--${spec.flag}` : spec.env } as GivenValue<never>;
    config[spec.field ?? name] = spec.type.parse(given);
  }
  return Object.freeze(config);
}

const NAMES = Object.keys(OPTIONS) as OptionName[];
const SERVER_NAMES = NAMES.filter((name) => !('cliOnly' in OPTIONS[name])) as ServerOptionName[];

/**
 * Builds a server's configuration from option values, the environment and defaults (in that order
 * of precedence), each read by its option's parser. A bad value throws a {@link StartupError} naming
 * the flag or environment variable; so does a name that is no server option.
 *
 * @example
 * parseConfig({ port: 0 }, { ATHENTY_FAKE_DB: 'memory' }); // { port: 0, store: { kind: 'memory' }, ... }
 */
export function parseConfig(values: RawOptions, env: Env = {}, defaults: RawOptions = {}): Config {
  for (const name of Object.keys(values)) {
    if (!(SERVER_NAMES as string[]).includes(name)) {
      throw new StartupError(
        Object.hasOwn(OPTIONS, name)
          ? `option "${name}" is for the command line only (--${OPTIONS[name as OptionName].flag})`
          : `unknown option "${name}"`,
      );
    }
  }
  return readOptions(SERVER_NAMES, values, env, defaults) as Config;
}

/**
 * The command line's configuration: every option, the CLI's own included, from flags and the
 * environment. Only the CLI calls it; the flag names it gets are the table's, so it checks no names.
 *
 * @example
 * parseCliConfig({ port: '0', readyFile: '/tmp/ready.json' }, process.env).readyFile; // '/tmp/ready.json'
 */
export function parseCliConfig(values: CliOptions, env: Env): CliConfig {
  return readOptions(NAMES, values, env, {}) as CliConfig;
}
