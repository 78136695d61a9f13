// The recipes in examples/ and the README, read for checks: YAML parsed as-is, docker options split into
// words, and the README's Testcontainers code blocks.
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

/** The README, whose Docker section holds the Testcontainers recipes. */
export const README = fileURLToPath(new URL('../../README.md', import.meta.url));

/** One fenced code block: its language tag and its text. */
export interface CodeBlock {
  lang: string;
  code: string;
}

/**
 * The fenced code blocks of the README's Testcontainers recipes: from the `**Testcontainers.**`
 * paragraph to the end of the Docker section.
 *
 * @example
 * readTestcontainersRecipes().map((block) => block.lang); // ['js', 'java', 'go', 'python']
 */
export function readTestcontainersRecipes(): CodeBlock[] {
  const readme = readFileSync(README, 'utf8');
  const start = readme.indexOf('**Testcontainers.**');
  const end = readme.indexOf('\n## ', start);
  if (start < 0 || end < 0) throw new Error('README.md has no **Testcontainers.** paragraph in a section');
  return [...readme.slice(start, end).matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1] ?? '', code: m[2] ?? '' }));
}
