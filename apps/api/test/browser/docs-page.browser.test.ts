// /docs in a real browser: Debian's Chromium (apt-get install chromium) driven by playwright-core,
// never a downloaded browser. It lists every operation of /openapi.json, runs one request from
// the page, and - as a developer would - pastes a token of the development issuer into
// "Authorize" and places an order from the page. Without a browser this file still checks what it can over HTTP, and leaves a warning
// that `npm test` prints above its closing line, so a missing browser is never silent.
import { bearer } from '@orderly/testing';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { DevelopmentIssuer } from '../../src/identity/development-issuer.js';
import { tokenRequestFrom } from '../../src/identity/token-command.js';
import { http, startOrderlyForTest, type OrderlyUnderTest } from '../e2e/orderly-harness.js';

const executablePath = process.env.ORDERLY_CHROMIUM ?? '/usr/bin/chromium';
const hasBrowser = executablePath !== '' && existsSync(executablePath);

// The flags this machine's closed network needs (no background connections, no sandbox as root).
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let sut: OrderlyUnderTest;
let browser: Browser | undefined;
let productId: string;
// The development issuer, as `npm start` without DATABASE_URL has it (here opted into, on the test's database).
const dataDir = mkdtempSync(join(tmpdir(), 'orderly-docs-'));
/** What `npm run -s token -- <args>` prints, from the same code. */
const devToken = async (...args: string[]) => (await DevelopmentIssuer.open(dataDir)).mint(tokenRequestFrom(args));

beforeAll(async () => {
  sut = await startOrderlyForTest({ AUTH_JWKS_URL: '', AUTH_ISSUER: '', AUTH_AUDIENCE: '', AUTH_DEV_ISSUER: 'true', DATA_DIR: dataDir });
  const staff = bearer(await devToken('--email', 'staff@example.com', '--staff'));
  productId = (await http(sut.url, 'POST', '/products', { sku: 'DOCS-LAMP', name: 'Reading lamp', unitPrice: 3999, stock: 3 }, staff)).body.id;
  if (hasBrowser) browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await sut?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

if (hasBrowser) {
  it('lists every operation and runs GET /products from the page', async () => {
    const doc = (await (await fetch(`${sut.url}/openapi.json`)).json()) as { paths: Record<string, object> };
    const expected = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));

    const page = await browser!.newPage();
    const foreign: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(sut.url) && !request.url().startsWith('data:')) foreign.push(request.url());
    });
    await page.goto(`${sut.url}/docs`);
    await page.locator('.opblock').first().waitFor({ timeout: 30_000 });

    const listed = await page.locator('.opblock-summary').evaluateAll((summaries) =>
      summaries.map((s) => `${s.querySelector('.opblock-summary-method')?.textContent?.trim()} ${s.querySelector('.opblock-summary-path')?.getAttribute('data-path')}`),
    );
    expect(listed.sort()).toEqual(expected.sort());

    const operation = page.locator('#operations-products-products_list');
    await operation.locator('.opblock-summary').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.getByRole('button', { name: 'Execute' }).click();
    const live = operation.locator('.live-responses-table .response');
    await live.first().waitFor({ timeout: 30_000 });
    expect((await live.locator('.response-col_status').first().textContent())?.trim()).toBe('200');
    expect(await live.locator('.response-col_description').first().textContent()).toContain('DOCS-LAMP');
    expect(foreign).toEqual([]);
  });

  it('authorizes with a development token in the Authorize dialog and places an order from the page', async () => {
    const token = await devToken('--email', 'ada@example.com');
    const page = await browser!.newPage();
    await page.goto(`${sut.url}/docs`);
    await page.locator('.opblock').first().waitFor({ timeout: 30_000 });

    await page.locator('button.authorize').first().click();
    const dialog = page.locator('.modal-ux');
    await dialog.locator('input[type=text]').first().fill(token);
    await dialog.locator('button.modal-btn.authorize').click(); // "Authorize" (aria-label "Apply credentials")
    await dialog.locator('button.btn-done').click(); // "Close"
    await dialog.waitFor({ state: 'detached' });

    const operation = page.locator('#operations-orders-orders_place');
    await operation.locator('.opblock-summary').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.locator('textarea.body-param__text').fill(JSON.stringify({ customerEmail: 'ada@example.com', items: [{ productId, quantity: 2 }] }));
    await operation.getByRole('button', { name: 'Execute' }).click();
    const live = operation.locator('.live-responses-table .response');
    await live.first().waitFor({ timeout: 30_000 });
    expect((await live.locator('.response-col_status').first().textContent())?.trim()).toBe('201');
    const shown = await live.locator('.response-col_description').first().textContent();
    expect(shown).toContain('"customerEmail": "ada@example.com"');
    // The page sent the token it was given: the order is Ada's.
    const orderId = /"id": "([0-9a-f-]{36})"/.exec(shown ?? '')?.[1];
    expect((await http(sut.url, 'GET', `/orders/${orderId}`, undefined, bearer(token))).status).toBe(200);
    expect((await http(sut.url, 'GET', `/products/${productId}`)).body.stock).toBe(1);
  });
} else {
  it('serves the docs page (no browser here: its real-browser test did not run)', async () => {
    const results = join(process.cwd(), '.test-results');
    mkdirSync(results, { recursive: true });
    appendFileSync(
      join(results, 'warnings.txt'),
      `apps/api: the /docs real-browser test did NOT run: no Chromium found (at ORDERLY_CHROMIUM, default /usr/bin/chromium) - install it: apt-get install -y chromium\n`,
    );
    const page = await fetch(`${sut.url}/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/docs/swagger-ui-bundle.js');
  });
}
