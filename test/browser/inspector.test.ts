// The inspector page in a real browser: Debian's Chromium driven by playwright-core (nothing
// downloads a browser). Each test starts its own fake on port 0 with an admin token and a frozen
// clock, and waits on the page with playwright's auto-waiting locators, never with sleeps. The
// screenshots of the main views are written to docs/screenshots/, which the README links.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it, type TestContext } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startTestFake, type TestFake } from '../support/fake.js';
import { KEYS } from '../support/fixture-keys.js';
import { NO_CONTENT, startReceiver } from '../support/receiver.js';

/** The system browser; `CHROMIUM_PATH` names another. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TOKEN = 'inspector-admin-token';
const START = '2026-03-04T05:06:07.089Z';
const SHOTS = new URL('../../docs/screenshots/', import.meta.url);
/** The promise: what the API did shows on the page within a second (asserted once; other waits use playwright's default). */
const LIVE_MS = 1000;

let browser: Browser;

// Hooks get a time limit too (the tests get theirs from --test-timeout): a stuck browser fails the run.
const HOOK_LIMIT = { timeout: 60_000 };

before(async () => {
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: apt-get install -y chromium, or set CHROMIUM_PATH`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], timeout: HOOK_LIMIT.timeout });
}, HOOK_LIMIT);

after(async () => {
  await browser?.close();
}, HOOK_LIMIT);

/** A test's fake and a laptop-sized browser context; the context closes first, so no poll is left open. */
async function fakeAndContext(t: TestContext, options: Record<string, unknown> = {}): Promise<{ fake: TestFake; context: BrowserContext }> {
  const fake = await startTestFake({ adminToken: TOKEN, clock: START, ...options });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  t.after(async () => {
    await context.close();
    await fake.close();
  }, HOOK_LIMIT);
  return { fake, context };
}

/** A fresh fake and a page on its inspector, signed in with the token. */
async function open(t: TestContext, options: Record<string, unknown> = {}): Promise<{ fake: TestFake; page: Page }> {
  const { fake, context } = await fakeAndContext(t, options);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  t.after(() => assert.deepEqual(errors, [], 'the page threw'));
  await page.goto(`${fake.url}/__admin/ui/#token=${TOKEN}`);
  await page.locator('body[data-ready="true"]').waitFor();
  return { fake, page };
}

function shot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: new URL(`${name}.png`, SHOTS).pathname });
}

/** The journal's rows as the page shows them: id, method, path, status, organisation, fault. */
async function journalRows(page: Page): Promise<string[][]> {
  return page
    .locator('#journal-table tbody tr')
    .evaluateAll((rows) => rows.map((row: any) => [0, 2, 3, 4, 5, 6].map((i) => row.cells[i]?.textContent?.trim() ?? '')));
}

describe('the inspector page', () => {
  it('asks for the admin token, keeps it out of the address, and shows a create made through the API within a second', async (t) => {
    const { fake, context } = await fakeAndContext(t);
    const page = await context.newPage();
    await page.goto(`${fake.url}/__admin/ui`);
    assert.equal(page.url(), `${fake.url}/__admin/ui/`);
    const dialog = page.getByRole('dialog', { name: 'Admin token' });
    await dialog.waitFor();
    await dialog.getByLabel('Token').fill(TOKEN);
    await dialog.getByRole('button', { name: 'Open the inspector' }).click();
    await page.locator('body[data-ready="true"]').waitFor();
    assert.equal(await dialog.isVisible(), false);

    const created = await fake.create({ nameFirst: 'Ada', nameLast: 'Lovelace', email: 'ada@example.com' });
    assert.equal(created.status, 201);
    await page.locator('#journal-table tbody tr[data-id="req_1"]').waitFor({ timeout: LIVE_MS });
    assert.deepEqual(await journalRows(page), [['req_1', 'POST', '/clients', '201', 'org_acme', '']]);
    assert.equal(await page.locator('#status').textContent(), '1 new request in the journal');

    // With the token in the address instead, the page takes it and drops it from the address.
    const second = await context.newPage();
    await second.goto(`${fake.url}/__admin/ui/#token=${TOKEN}`);
    await second.locator('#journal-table tbody tr[data-id="req_1"]').waitFor();
    assert.equal(second.url(), `${fake.url}/__admin/ui/`);
  });

  it('filters the journal by organisation, method, path and status, newest first', async (t) => {
    const { fake, page } = await open(t);
    await fake.create({ nameFirst: 'Ada' });
    await fake.create({ nameFirst: 'Grace' }, KEYS.globex);
    await fake.create({ memberType: 'alien' });
    await fake.call('GET', '/clients?limit=5', { key: KEYS.acme });
    await fake.call('GET', '/clients', { key: 'not-a-key-1234' });
    await page.locator('#journal-table tbody tr[data-id="req_5"]').waitFor();
    assert.deepEqual(await journalRows(page), [
      ['req_5', 'GET', '/clients', '401', '—', ''],
      ['req_4', 'GET', '/clients?limit=5', '200', 'org_acme', ''],
      ['req_3', 'POST', '/clients', '422', 'org_acme', ''],
      ['req_2', 'POST', '/clients', '201', 'org_globex', ''],
      ['req_1', 'POST', '/clients', '201', 'org_acme', ''],
    ]);
    await page.getByRole('button', { name: 'Open req_3 POST /clients' }).click();
    await page.locator('#journal-detail').getByRole('heading', { name: 'POST /clients → 422' }).waitFor();
    await shot(page, 'journal');

    const journal = page.getByRole('tabpanel', { name: 'Journal' });
    await journal.getByLabel('Organisation').selectOption('org_acme');
    assert.deepEqual(
      (await journalRows(page)).map(([id]) => id),
      ['req_4', 'req_3', 'req_1'],
    );
    await journal.getByLabel('Method').selectOption('POST');
    assert.deepEqual(
      (await journalRows(page)).map(([id]) => id),
      ['req_3', 'req_1'],
    );
    await journal.getByLabel('Status').fill('4xx');
    assert.deepEqual(
      (await journalRows(page)).map(([id]) => id),
      ['req_3'],
    );
    assert.equal(await page.locator('#journal-count').textContent(), '1 of 5 requests');
    await journal.getByLabel('Organisation').selectOption('');
    await journal.getByLabel('Method').selectOption('');
    await journal.getByLabel('Status').fill('');
    await journal.getByLabel('Path contains').fill('/nowhere');
    assert.deepEqual(await journalRows(page), []);
    assert.equal(await page.locator('#journal-count').textContent(), '0 of 5 requests');
  });

  it('opens an entry to its request and response headers and bodies, the API key masked', async (t) => {
    const { fake, page } = await open(t);
    const created = await fake.create({ nameFirst: 'Ada', nameLast: 'Lovelace' });
    await page.getByRole('button', { name: 'Open req_1 POST /clients' }).click();
    const detail = page.locator('#journal-detail');
    await detail.getByRole('heading', { name: 'POST /clients → 201' }).waitFor();
    assert.equal(await detail.evaluate((element: any) => element === element.ownerDocument.activeElement), true);
    const text = (await detail.textContent()) ?? '';
    assert.ok(text.includes('x-api-key****Zc'.replace('****Zc', '****p8Zc')), 'the masked key among the request headers');
    assert.ok(!text.includes(KEYS.acme), 'never the whole key');
    assert.ok(text.includes(`location/clients/${created.body.id}`), 'the Location among the response headers');
    assert.deepEqual(JSON.parse((await detail.getByLabel('Request body').textContent()) ?? ''), { nameFirst: 'Ada', nameLast: 'Lovelace' });
    assert.deepEqual(JSON.parse((await detail.getByLabel('Response body').textContent()) ?? ''), created.body);
    await shot(page, 'entry');
    await detail.getByRole('button', { name: 'Close' }).click();
    await detail.getByText('Open a request to see its headers and bodies.').waitFor();
  });

  it('works from the keyboard: arrow keys between the tabs, Enter opens an entry and moves the focus to it', async (t) => {
    const { fake, page } = await open(t);
    await fake.create({ nameFirst: 'Ada' });
    await page.locator('#journal-table tbody tr[data-id="req_1"]').waitFor();
    await page.getByRole('tab', { name: 'Journal' }).focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getByRole('tab', { name: 'Data' }).getAttribute('aria-selected'), 'true');
    assert.equal(
      await page.getByRole('tab', { name: 'Data' }).evaluate((element: any) => element === element.ownerDocument.activeElement),
      true,
    );
    assert.equal(await page.getByRole('tabpanel', { name: 'Data' }).isVisible(), true);
    assert.equal(await page.locator('#view-journal').isVisible(), false);
    await page.keyboard.press('ArrowLeft');
    assert.equal(await page.locator('#view-journal').isVisible(), true);
    // Tab from the filters reaches the entry's button; Enter opens it.
    await page.locator('#journal-faults').focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal(
      await page.evaluate(() => (globalThis as any).document.activeElement.getAttribute('aria-label')),
      'Open req_1 POST /clients',
    );
    await page.keyboard.press('Enter');
    await page.locator('#journal-detail').getByRole('heading', { name: 'POST /clients → 201' }).waitFor();
    assert.equal(await page.locator('#journal-detail').evaluate((element: any) => element === element.ownerDocument.activeElement), true);
  });

  it('keeps up with 1,000 journal entries: all listed, a filter answers at once', async (t) => {
    const { fake, page } = await open(t, { seed: 'none' });
    for (let i = 0; i < 1000; i++) await fake.call('GET', `/clients?page=${i + 1}`, { key: i % 2 === 0 ? KEYS.acme : KEYS.globex });
    await page.locator('#journal-table tbody tr[data-id="req_1000"]').waitFor();
    assert.equal(await page.locator('#journal-table tbody tr').count(), 1000);
    const journal = page.getByRole('tabpanel', { name: 'Journal' });
    await journal.getByLabel('Organisation').selectOption('org_globex');
    assert.equal(await page.locator('#journal-table tbody tr').count(), 500);
    await journal.getByLabel('Path contains').fill('/clients');
    assert.equal(await page.locator('#journal-count').textContent(), '500 of 1000 requests');
    // How long one filter change takes to re-render 1,000 rows, for the README.
    const ms = await page.evaluate(() => {
      const input = (globalThis as any).document.querySelector('#journal-org');
      const started = performance.now();
      input.value = '';
      input.dispatchEvent(new Event('input'));
      return performance.now() - started;
    });
    t.diagnostic(`re-rendering 1,000 journal rows took ${ms.toFixed(0)} ms`);
    assert.equal(await page.locator('#journal-table tbody tr').count(), 1000);
  });

  it('adds a fault rule that the next API call meets, shows it firing, and removes it', async (t) => {
    const { fake, page } = await open(t);
    await page.getByRole('tab', { name: 'Faults' }).click();
    await page.getByLabel(/^Rule \(JSON/).fill(JSON.stringify({ method: 'POST', path: '/clients', status: 503, times: 2 }));
    await page.getByRole('button', { name: 'Add rule' }).click();
    const rule = page.locator('#fault-table tbody tr[data-id="flt_1"]');
    await rule.waitFor();
    const cells = () => rule.locator('td').allTextContents();
    assert.deepEqual(await cells(), ['flt_1', 'POST /clients', '503', '2', '0', 'Remove']);

    assert.equal((await fake.create({ nameFirst: 'Ada' })).status, 503);
    await rule.locator('td').nth(4).getByText('1', { exact: true }).waitFor();
    assert.deepEqual(await cells(), ['flt_1', 'POST /clients', '503', '1', '1', 'Remove']);
    await shot(page, 'faults');

    await page.getByRole('tab', { name: 'Journal' }).click();
    await page.locator('#journal-table tbody tr[data-id="req_1"]').waitFor();
    await fake.call('GET', '/clients', { key: KEYS.acme });
    await page.locator('#journal-table tbody tr[data-id="req_2"]').waitFor();
    assert.deepEqual(await journalRows(page), [
      ['req_2', 'GET', '/clients', '200', 'org_acme', ''],
      ['req_1', 'POST', '/clients', '503', 'org_acme', 'flt_1'],
    ]);
    await page.getByLabel('Faults only').check();
    assert.deepEqual(
      (await journalRows(page)).map(([id]) => id),
      ['req_1'],
    );

    await page.getByRole('tab', { name: 'Faults' }).click();
    await page.getByRole('button', { name: 'Remove flt_1' }).click();
    await rule.waitFor({ state: 'detached' });
    assert.deepEqual((await fake.call('GET', '/__admin/faults', { headers: { Authorization: `Bearer ${TOKEN}` } })).body, { faults: [] });

    // A rule the admin API refuses shows its field errors, and nothing is added.
    await page.getByLabel(/^Rule \(JSON/).fill(JSON.stringify({ status: 99 }));
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.locator('#fault-errors li').first().waitFor();
    assert.match((await page.locator('#fault-errors').textContent()) ?? '', /^status: /);
  });

  it('advances the clock from the page and sees a verification request expire', async (t) => {
    const { fake, page } = await open(t);
    const created = await fake.call('POST', '/requests', {
      key: KEYS.acme,
      body: { type: 'idv', requirements: ['document', 'person'], subjectEmail: 'sam@example.com', expiresDays: 1 },
    });
    assert.equal(created.status, 201);
    await page.getByRole('tab', { name: 'Data' }).click();
    await page.getByRole('tabpanel', { name: 'Data' }).getByLabel('Records', { exact: true }).selectOption('requests');
    const row = page.locator(`#data-table tbody tr[data-id="${created.body.id}"]`);
    await row.getByText(created.body.status, { exact: true }).waitFor();
    assert.notEqual(created.body.status, 'expired');
    assert.equal(await page.locator('#data-summary').textContent(), 'Page 1 of 1 — 1 requests of org_acme, newest first');
    await shot(page, 'data');

    await page.getByLabel('Advance by').fill('2d');
    await page.getByRole('button', { name: 'Advance' }).click();
    await page.locator('#clock-now').getByText('2026-03-06T05:06:07.089Z').waitFor();
    await row.getByText('expired').waitFor();
    assert.equal((await fake.call('GET', `/requests/${created.body.id}`, { key: KEYS.acme })).body.status, 'expired');

    await page.getByRole('button', { name: 'Unfreeze' }).click();
    await page.locator('#clock-mode').getByText('running').waitFor();
    assert.equal((await fake.call('GET', '/__admin/clock', { headers: { Authorization: `Bearer ${TOKEN}` } })).body.frozen, false);
  });

  it('shows a failed webhook delivery and, once the clock is advanced, its retry delivered', async (t) => {
    const { fake, page } = await open(t);
    const receiver = await startReceiver(t, (res) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end('receiver down'));
    const subscription = await fake.webhooks.create({
      orgId: 'org_acme',
      url: receiver.url,
      events: ['client.created'],
      description: 'ci',
    });
    await page.getByRole('tab', { name: 'Webhooks' }).click();
    await page.locator(`#webhooks-table tbody tr[data-id="${subscription.id}"]`).waitFor();

    assert.equal((await fake.create({ nameFirst: 'Ada' })).status, 201);
    await receiver.nth(1);
    const [delivery] = await fake.webhooks.deliveries.list({ orgId: 'org_acme' });
    assert.ok(delivery);
    const row = page.locator(`#deliveries-table tbody tr[data-id="${delivery.id}"]`);
    await row.getByText('500: ', { exact: false }).waitFor();
    const cells = () => row.locator('td').allTextContents();
    const [, , , status, attempts, , next] = await cells();
    assert.deepEqual([status, attempts, next], ['pending', '1', '2026-03-04T05:06:12.089Z']);
    await page.getByRole('button', { name: `Open ${delivery.id} client.created` }).click();
    await page.locator('#attempts-table tbody tr').first().getByText('receiver down').waitFor();

    // The retry is due 5 s later on the fake's clock: advance it from the page.
    receiver.answerWith(NO_CONTENT);
    await page.getByLabel('Advance by').fill('5s');
    await page.getByRole('button', { name: 'Advance' }).click();
    await receiver.nth(2);
    await row.locator('td.status').getByText('delivered', { exact: true }).waitFor();
    assert.deepEqual((await cells()).slice(3), ['delivered', '2', '204', '']);
    assert.equal(await page.locator('#attempts-table tbody tr').count(), 2);
    assert.deepEqual(
      await page
        .locator('#attempts-table tbody tr')
        .evaluateAll((rows: any[]) => rows.map((r) => [r.cells[0].textContent, r.cells[2].textContent])),
      [
        ['1', '500: answered 500'],
        ['2', '204'],
      ],
    );
    await shot(page, 'webhooks');
  });

  it('pages through 100,000 clients without loading them all', async (t) => {
    const { fake, page } = await open(t, { seed: 'none', bodyLimit: '50mb' });
    const clients = Array.from({ length: 100_000 }, (_, i) => ({
      orgId: 'org_acme',
      nameFirst: `First${i}`,
      nameLast: `Last${i}`,
      memberType: 'individual',
    }));
    const imported = await fake.call('PUT', '/__admin/state', {
      headers: { Authorization: `Bearer ${TOKEN}` },
      body: { clients, requests: [] },
    });
    assert.equal(imported.status, 200);
    await page.getByRole('tab', { name: 'Data' }).click();
    await page.getByRole('tabpanel', { name: 'Data' }).getByLabel('Per page').selectOption('100');
    await page.locator('#data-summary').getByText('Page 1 of 1000 — 100000 clients of org_acme, newest first').waitFor();
    assert.equal(await page.locator('#data-table tbody tr').count(), 100);
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.locator('#data-summary').getByText('Page 2 of 1000').waitFor();
    assert.equal(await page.locator('#data-table tbody tr').first().locator('td').nth(1).textContent(), 'First99899 Last99899');
  });

  it('resets one organisation from the page, and the journal follows a reset made elsewhere', async (t) => {
    const { fake, page } = await open(t);
    await fake.create({ nameFirst: 'Ada' });
    await fake.create({ nameFirst: 'Grace' }, KEYS.globex);
    await page.locator('#journal-table tbody tr[data-id="req_2"]').waitFor();
    await page.getByRole('tab', { name: 'Reset' }).click();
    await page.getByRole('tabpanel', { name: 'Reset' }).getByLabel('Organisation').selectOption('org_acme');
    await page.getByRole('button', { name: 'Reset organisation' }).click();
    await page
      .locator('#status')
      .getByText(/^Reset org_acme: clients, requests, .*journal, rateLimits$/)
      .waitFor();
    await page.getByRole('tab', { name: 'Journal' }).click();
    await page.locator('#journal-table tbody tr[data-id="req_1"]').waitFor({ state: 'detached' });
    assert.deepEqual(
      (await journalRows(page)).map(([id]) => id),
      ['req_2'],
    );

    // A suite's own reset restarts the journal's ids: the page starts over rather than miss them.
    await fake.call('POST', '/__admin/reset', { headers: { Authorization: `Bearer ${TOKEN}` } });
    await fake.create({ nameFirst: 'Edsger' });
    await page.locator('#journal-table tbody tr[data-id="req_1"]').waitFor();
    assert.deepEqual(await journalRows(page), [['req_1', 'POST', '/clients', '201', 'org_acme', '']]);
  });
});
