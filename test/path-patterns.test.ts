// compilePathPattern, table-driven: the path patterns of fault rules and journal filters match
// exactly or with `*` for anything, with the /v2/api prefix optional on both sides.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compilePathPattern } from '../src/http/path-pattern.js';

// [pattern, paths it matches, paths it does not]
const CASES: [string, string[], string[]][] = [
  ['*', ['/', '/clients', '/v2/api/clients/clt_1', '', '/__admin/health'], []],
  [
    '/clients',
    ['/clients', '/v2/api/clients'],
    ['/clients/', '/clients/clt_1', '/clientsx', '/v2/api/clientsx', '/a/clients', '/Clients', 'clients'],
  ],
  ['/v2/api/clients', ['/clients', '/v2/api/clients'], ['/v2/api/clients/clt_1', '/v2/clients']],
  ['/clients/*', ['/clients/clt_1', '/v2/api/clients/clt_1', '/clients/', '/clients/a/b'], ['/clients', '/v2/api/clients', '/clientsx/a']],
  ['/v2/api/clients/*', ['/clients/clt_1', '/v2/api/clients/clt_1'], ['/clients', '/v2/api/clients']],
  ['/clients*', ['/clients', '/clients/clt_1', '/clientsx', '/v2/api/clients', '/v2/api/clients/clt_1/x'], ['/client', '/x/clients']],
  ['*/notes', ['/notes', '/clients/a/notes', '/v2/api/notes'], ['/notes/1']],
  ['/clients/*/notes', ['/clients/a/notes', '/clients/a/b/notes', '/clients//notes'], ['/clients/notes', '/clients/a/notes/1']],
  ['/a**b', ['/ab', '/axyb', '/a/b'], ['/a', '/ba']],
  // The prefix alone is the root; a longer word is not the prefix, and the prefix counts only at the start.
  ['/v2/api', ['/', '/v2/api', '/v2/api/'], ['/clients', '/v2/apix']],
  ['/v2/apix', ['/v2/apix'], ['/x', '/v2/api/x']],
  ['/x/v2/api/clients', ['/x/v2/api/clients'], ['/x/clients', '/clients']],
  // Everything but * stands for itself, regular-expression characters included.
  ['/a.b', ['/a.b'], ['/aXb', '/a/b']],
  ['/a+b', ['/a+b'], ['/aab', '/ab']],
  ['/a?b', ['/a?b'], ['/ab', '/b']],
  ['/(x)|[y]', ['/(x)|[y]'], ['/x', '/y', '/(x)']],
  ['/$^{1}\\', ['/$^{1}\\'], ['/', '/$']],
];

describe('compilePathPattern', () => {
  for (const [pattern, matching, other] of CASES) {
    for (const path of matching) {
      it(`${JSON.stringify(pattern)} matches ${JSON.stringify(path)}`, () => {
        assert.equal(compilePathPattern(pattern)(path), true);
      });
    }
    for (const path of other) {
      it(`${JSON.stringify(pattern)} does not match ${JSON.stringify(path)}`, () => {
        assert.equal(compilePathPattern(pattern)(path), false);
      });
    }
  }

  it('gives a test that answers the same on every call', () => {
    const matches = compilePathPattern('/clients/*');
    assert.deepEqual(['/clients/a', '/clients', '/clients/a', '/clients'].map(matches), [true, false, true, false]);
  });
});
