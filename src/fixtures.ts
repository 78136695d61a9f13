// Reads the fixture files (API keys, the seed, fault rules) and checks them against their schemas.
import { readFileSync } from 'node:fs';
import type { StateInput } from './admin/state.js';
import { STATE_SCHEMA } from './api/schemas.js';
import type { OrganisationProfile } from './api/resource.js';
import type { ApiKey } from './auth/api-keys.js';
import { StartupError } from './errors.js';
import { describeFileError } from './file-errors.js';
import { checkFaultRule, type FaultRuleInput } from './faults/fault-rule.js';
import { PACKAGE_FIXTURES } from './paths.js';
import { checkEntryDepth, findJsonProblem } from './validation/json-value.js';
import { withoutByteOrderMark } from './text-file.js';
import { checkFor } from './validation/validator.js';

function readText(what: string, path: string): string {
  try {
    return withoutByteOrderMark(readFileSync(path)).toString('utf8');
  } catch (error) {
    throw new StartupError(`${what} ${path} ${describeFileError(error)}`);
  }
}

function readJson(what: string, path: string): unknown {
  const text = readText(what, path);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new StartupError(`${what} ${path} is not valid JSON (${(error as Error).message})`);
  }
}

function checkFixture(what: string, path: string, schema: string, data: unknown): void {
  const first = checkFor(schema)(data)[0];
  if (first !== undefined) {
    throw new StartupError(`${what} ${path}: ${first.field || '(root)'}: ${first.message}`);
  }
}

function readJsonFixture(what: string, path: string, schema: string): unknown {
  const data = readJson(what, path);
  checkFixture(what, path, schema, data);
  return data;
}

function firstDuplicate(values: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) return value;
    seen.add(value);
  }
  return undefined;
}

/**
 * Reads an API keys file (`fixtures/api-keys.json` or `--keys FILE`).
 *
 * @example
 * const keys = loadApiKeys('fixtures/api-keys.json');
 */
export function loadApiKeys(path: string): ApiKey[] {
  const data = readJsonFixture('keys file', path, 'api-keys.schema.json') as { keys: ApiKey[] };
  const keys = data.keys.map((k) => ({ ...k, revoked: k.revoked ?? false }));
  const padded = keys.findIndex((k) => k.key.trim() !== k.key);
  if (padded !== -1) {
    const text = readText('keys file', path);
    const line = text.slice(0, text.indexOf(JSON.stringify(keys[padded]?.key))).split('\n').length;
    throw new StartupError(
      `keys file ${path}: line ${line}: keys.${padded}.key has spaces around it, so no request's X-Api-Key could ever match it`,
    );
  }
  const duplicateKey = firstDuplicate(keys.map((k) => k.key));
  if (duplicateKey !== undefined) {
    const labels = keys.filter((k) => k.key === duplicateKey).map((k) => k.label);
    throw new StartupError(`keys file ${path}: the same key is listed twice (labels ${labels.join(', ')})`);
  }
  const duplicateLabel = firstDuplicate(keys.map((k) => k.label));
  if (duplicateLabel !== undefined) {
    throw new StartupError(`keys file ${path}: the label '${duplicateLabel}' is used twice`);
  }
  return keys;
}

/**
 * Reads the organisations' profiles of an API keys file (none when it lists none).
 *
 * @example
 * loadOrganisations('fixtures/api-keys.json').org_acme; // { name: 'Alex Morgan', ... }
 */
export function loadOrganisations(path: string): Record<string, OrganisationProfile> {
  const data = readJsonFixture('keys file', path, 'api-keys.schema.json') as { organisations?: Record<string, OrganisationProfile> };
  return data.organisations ?? {};
}

/**
 * Checks a seed: each entry nested at most as deep as a request body may be, against the state
 * schema of the registered resources, and no id used twice. `what` names it in the error (`seed file PATH`).
 */
function checkSeed(what: string, data: unknown): StateInput {
  const first = [...checkEntryDepth(data), ...checkFor(STATE_SCHEMA)(data)][0];
  if (first !== undefined) throw new StartupError(`${what}: ${first.field || '(root)'}: ${first.message}`);
  for (const entries of Object.values(data as Record<string, { id?: string }[]>)) {
    const duplicateId = firstDuplicate(entries.flatMap((entry) => (entry.id === undefined ? [] : [entry.id])));
    if (duplicateId !== undefined) throw new StartupError(`${what}: the id ${duplicateId} is used twice`);
  }
  return data as StateInput;
}

/**
 * Reads a seed file (`--seed FILE`): records by collection, checked against the state schema of
 * the registered resources. The package's default seed is its fixture files together
 * (`fixtures/clients.json` and the other collections' files beside it).
 *
 * @example
 * registerResourceSchemas(RESOURCES);
 * const seed = loadSeed('fixtures/clients.json'); // { clients: [...], requests: [...] }
 */
export function loadSeed(path: string): StateInput {
  // The package's files are checked together: only their union is a whole snapshot.
  const data =
    path === PACKAGE_FIXTURES.seed
      ? Object.assign({}, ...[path, ...PACKAGE_FIXTURES.seedCompanions].map((file) => readJson('seed file', file)))
      : readJson('seed file', path);
  return checkSeed(`seed file ${path}`, data);
}

/**
 * A seed given in-process (`createApp(config, { seed })`), checked like a seed file after making
 * sure JSON can hold it (no cycle, bigint, function, ...), and copied: later changes to the
 * caller's object do not reach the fake.
 *
 * @example
 * const seed = seedFromValue({ clients: [{ orgId: 'org_acme', nameFirst: 'Ada' }] });
 */
export function seedFromValue(value: unknown): StateInput {
  const found = findJsonProblem(value, Number.POSITIVE_INFINITY);
  if (found !== undefined) throw new StartupError(`seed: ${found.field || '(root)'} is ${found.problem}`);
  return JSON.parse(JSON.stringify(checkSeed('seed', value))) as StateInput;
}

/**
 * Reads a start-up fault rules file (`--faults FILE`): a JSON list of rules.
 *
 * @example
 * const rules = loadFaultRules('faults.json');
 */
export function loadFaultRules(path: string): FaultRuleInput[] {
  const rules = readJsonFixture('faults file', path, 'faults-file.schema.json') as FaultRuleInput[];
  rules.forEach((rule, index) => {
    const first = checkFaultRule(rule)[0];
    if (first !== undefined) {
      throw new StartupError(`faults file ${path}: ${[index, first.field].filter((p) => p !== '').join('.')}: ${first.message}`);
    }
  });
  return rules;
}
