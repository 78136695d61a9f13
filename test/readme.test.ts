// The README keeps the promises the code makes: every option and every admin route is documented.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ADMIN_OPERATIONS, flattenAdminOperations } from '../src/admin/operations.js';
import { OPTIONS, type OptionSpec } from '../src/config.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  for (const spec of Object.values(OPTIONS) as OptionSpec[]) {
    it(`documents --${spec.flag} with ${spec.env}`, () => {
      assert.ok(README.includes(`| \`--${spec.flag}\` | \`${spec.env}\` |`), `--${spec.flag}`);
    });
  }

  it('documents every admin route', () => {
    const routes = flattenAdminOperations(ADMIN_OPERATIONS).flatMap(([, operation]) =>
      [operation.path, ...(operation.deprecatedPaths ?? [])].map((path) => `/__admin${path.replace(/:(\w+)/g, '{$1}')}`),
    );
    for (const path of new Set(routes)) assert.ok(README.includes(path), path);
  });
});
