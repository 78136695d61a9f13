// Reads the fixture files (API keys, the seed, fault rules) and checks them against their schemas.
import { readFileSync } from 'node:fs';
import type { StateInput } from './admin/state.js';
import { STATE_SCHEMA } from './api/schemas.js';
import type { ApiKey } from './auth/api-keys.js';
import { StartupError } from './errors.js';
import { describeFileError } from './file-errors.js';
import { checkFaultRule, type FaultRuleInput } from './faults/fault-rule.js';
import { checkFor } from './validation/validator.js';

function readJsonFixture(what: string, path: string, schema: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new StartupError(`${what} ${path} ${describeFileError(error)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new StartupError(`${what} ${path} is not valid JSON (${(error as Error).message})`);
  }
  const problems = checkFor(schema)(data);
  const first = problems[0];
  if (first !== undefined) {
    throw new StartupError(`${what} ${path}: ${first.field || '(root)'}: ${first.message}`);
  }
  return data as StateInput;
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
 * Reads a seed file (`fixtures/clients.json` or `--seed FILE`): records by collection, checked
 * against the state schema of the registered resources.
 *
 * @example
 * registerResourceSchemas(RESOURCES);
 * const seed = loadSeed('fixtures/clients.json'); // { clients: [...] }
 */
export function loadSeed(path: string): StateInput {
  const data = readJsonFixture('seed file', path, STATE_SCHEMA) as Record<string, { id?: string }[]>;
  for (const entries of Object.values(data)) {
    const duplicateId = firstDuplicate(entries.flatMap((entry) => (entry.id === undefined ? [] : [entry.id])));
    if (duplicateId !== undefined) {
      throw new StartupError(`seed file ${path}: the id ${duplicateId} is used twice`);
    }
  }
  return data as StateInput;
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
