// The README keeps the promises the code makes: every option and every admin route is documented.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { adminOperationTree, flattenAdminOperations } from '../src/admin/operations.js';
import { OPTIONS, type OptionSpec } from '../src/config.js';
import { ERROR_CATALOGUE } from '../src/errors.js';
import { RESOURCES } from '../src/resources/index.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  for (const spec of Object.values(OPTIONS) as OptionSpec[]) {
    it(`documents --${spec.flag} with ${spec.env}`, () => {
      assert.ok(README.includes(`| \`--${spec.flag}\` | \`${spec.env}\` |`), `--${spec.flag}`);
    });
  }

  it("documents every admin route, the resources' included", () => {
    const routes = flattenAdminOperations(adminOperationTree(RESOURCES)).flatMap(([, operation]) =>
      [operation.path, ...(operation.deprecatedPaths ?? [])].map((path) => `/__admin${path.replace(/:(\w+)/g, '{$1}')}`),
    );
    for (const path of new Set(routes)) assert.ok(README.includes(path), path);
  });

  it('documents every error code of the catalogue', () => {
    for (const entry of Object.values(ERROR_CATALOGUE)) assert.ok(README.includes(`| \`${entry.code}\` |`), entry.code);
  });

  it('has a Verification requests section with curl examples, the lifecycle table and the detail shapes', () => {
    const section = README.slice(README.indexOf('## Verification requests'), README.indexOf('## Options'));
    assert.ok(section.includes('curl -si http://127.0.0.1:4010/requests'));
    assert.ok(section.includes('| `pending_review` | `approved`, `rejected`, `canceled` |'));
    for (const field of ['person', 'documents[]', 'biometric', 'location', 'contact', 'business', 'financial', 'pep']) {
      assert.ok(section.includes(`| \`${field}\` |`), field);
    }
  });
});
