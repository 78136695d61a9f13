// The recipes in examples/, read for checks: YAML parsed as-is, and docker options split into words.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const COMPOSE_RECIPE = fileURLToPath(new URL('../../examples/docker-compose.yml', import.meta.url));
export const ACTIONS_RECIPE = fileURLToPath(new URL('../../examples/github-actions.yml', import.meta.url));

/** Parses a YAML file; a syntax error throws with its line and column. */
export function readYaml(file: string): any {
  return parse(readFileSync(file, 'utf8'), { prettyErrors: true });
}

/**
 * Splits a `docker create` options string into arguments, honouring double and single quotes.
 *
 * @example
 * splitOptions('--health-cmd "node probe.mjs" --health-interval 2s'); // ['--health-cmd', 'node probe.mjs', '--health-interval', '2s']
 */
export function splitOptions(options: string): string[] {
  return [...options.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}
