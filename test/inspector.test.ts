// The inspector page's files at /__admin/ui: served by the fake itself (no CDN), with a policy that
// keeps journaled data from running as script, free of the token (they hold no data) while every
// admin call the page makes needs it. The page itself is tested in a real browser (test/browser/).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { ENVELOPES } from './support/envelopes.js';
import { withFake } from './support/fake.js';

const UI = fileURLToPath(new URL('../src/admin/ui/', import.meta.url));
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** The page's files, relative to its folder. */
function pageFiles(): string[] {
  return readdirSync(UI, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(UI, join(entry.parentPath, entry.name)))
    .sort();
}

describe('GET /__admin/ui', () => {
  it('redirects /__admin/ui to /__admin/ui/, which answers the page with its headers', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    const redirect = await fetch(`${fake.url}/__admin/ui`, { redirect: 'manual' });
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.get('location'), '/__admin/ui/');
    const page = await fake.call('GET', '/__admin/ui/');
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(page.headers.get('content-security-policy'), CSP);
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(page.headers.get('etag'), null);
    assert.match(page.text, /<script type="module" src="app\.js"><\/script>/);
    // Everything it loads is its own: no other origin anywhere in its files.
    for (const file of pageFiles()) {
      const res = await fake.call('GET', `/__admin/ui/${file}`);
      assert.equal(res.status, 200, file);
      assert.doesNotMatch(res.text, /https?:\/\/(?!www\.w3\.org\/2000\/svg)/, file);
    }
  });

  it('serves each file with its type, and answers an unknown one with the 404 envelope', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    const types = Object.fromEntries(
      await Promise.all(
        ['app.js', 'panels/journal.js', 'style.css', 'favicon.svg'].map(async (file) => [
          file,
          (await fake.call('GET', `/__admin/ui/${file}`)).headers.get('content-type'),
        ]),
      ),
    );
    assert.deepEqual(types, {
      'app.js': 'text/javascript; charset=utf-8',
      'panels/journal.js': 'text/javascript; charset=utf-8',
      'style.css': 'text/css; charset=utf-8',
      'favicon.svg': 'image/svg+xml',
    });
    const missing = await fake.call('GET', '/__admin/ui/nope.js');
    assert.deepEqual([missing.status, missing.body], [404, ENVELOPES.NOT_FOUND]);
    const outside = await fake.call('GET', '/__admin/ui/..%2f..%2fpackage.json');
    assert.deepEqual([outside.status, outside.body], [404, ENVELOPES.NOT_FOUND]);
  });

  it('with --admin-token, serves the files without it but answers 401 to the admin calls the page makes without it', async (t) => {
    const fake = await withFake(t, { seed: 'none', adminToken: 'ui-token-1234' });
    assert.equal((await fake.call('GET', '/__admin/ui/')).status, 200);
    for (const path of ['/__admin/journal?after=0&limit=1000', '/__admin/clock', '/__admin/organisations', '/__admin/faults']) {
      const res = await fake.call('GET', path);
      assert.deepEqual([res.status, res.body], [401, ENVELOPES.ADMIN_UNAUTHORIZED], path);
      assert.equal((await fake.call('GET', path, { headers: { Authorization: 'Bearer ui-token-1234' } })).status, 200, path);
    }
  });

  it('never journals the page or its calls', async (t) => {
    const fake = await withFake(t, { seed: 'none' });
    await fake.call('GET', '/__admin/ui/');
    await fake.call('GET', '/__admin/ui/app.js');
    await fake.call('GET', '/__admin/organisations/org_acme/clients');
    assert.deepEqual(await fake.journal.list(), []);
  });
});
