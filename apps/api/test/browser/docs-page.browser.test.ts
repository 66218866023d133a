// /docs in a real browser: Debian's Chromium (apt-get install chromium) driven by playwright-core,
// never a downloaded browser. It lists every operation of /openapi.json, runs one request from
// the page, and - as a developer would - pastes a token of the development issuer into
// "Authorize" and places an order from the page. Without a browser this file still checks what it can over HTTP, and leaves a warning
// that `npm test` prints above its closing line, so a missing browser is never silent.
import { bearer } from '@orderly/testing';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DevelopmentIssuer } from '@orderly/host';
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

/**
 * An address of this machine other than loopback (its own eth address): the page is opened as
 * another host on the network would open it, over plain http. Traffic stays on this machine.
 */
function nonLoopbackAddress(): string {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((a) => a !== undefined && a.family === 'IPv4' && !a.internal);
  if (!address) throw new Error('this machine has no non-loopback IPv4 address to open /docs by');
  return address.address;
}

beforeAll(async () => {
  // The demo catalog: the example order of POST /orders names its blue mug.
  sut = await startOrderlyForTest({ HOST: nonLoopbackAddress(), DEMO_DATA: 'true', AUTH_JWKS_URL: '', AUTH_ISSUER: '', AUTH_AUDIENCE: '', AUTH_DEV_ISSUER: 'true', DATA_DIR: dataDir });
  const staff = bearer(await devToken('--email', 'staff@example.com', '--staff'));
  productId = (await http(sut.url, 'POST', '/products', { sku: 'DOCS-LAMP', name: 'Reading lamp', unitPrice: 3999, stock: 3 }, staff)).body.id;
  if (hasBrowser) browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await sut?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Pastes a token into Swagger UI's "Authorize" dialog, as a developer would. */
async function authorize(page: Page, token: string): Promise<void> {
  await page.locator('button.authorize').first().click();
  const dialog = page.locator('.modal-ux');
  await dialog.locator('input[type=text]').first().fill(token);
  await dialog.locator('button.modal-btn.authorize').click(); // "Authorize" (aria-label "Apply credentials")
  await dialog.locator('button.btn-done').click(); // "Close"
  await dialog.waitFor({ state: 'detached' });
}

if (hasBrowser) {
  it('is opened by a non-loopback address over plain http', () => {
    expect(new URL(sut.url).hostname).not.toMatch(/^(127\.|localhost$|\[::1\]$)/);
    expect(new URL(sut.url).protocol).toBe('http:');
  });

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

  it.each([
    ['products_create', 201, 'LAMP-READING'],
    ['orders_place', 201, 'ada@example.com'],
  ])('runs %s with its example body from "Try it out", unchanged', async (operationId, status, expected) => {
    const page = await browser!.newPage();
    const warnings: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') warnings.push(message.text());
    });
    await page.goto(`${sut.url}/docs`);
    await page.locator('.opblock').first().waitFor({ timeout: 30_000 });
    // Staff with Ada's address: allowed to add products and to place Ada's order.
    await authorize(page, await devToken('--email', 'ada@example.com', '--staff'));
    // Swagger UI shows no warning banner about the document (it did for jsonSchemaDialect).
    expect(await page.locator('.errors-wrapper').count()).toBe(0);
    const [tag] = operationId.split('_');
    const operation = page.locator(`#operations-${tag}-${operationId}`);
    await operation.locator('.opblock-summary').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.getByRole('button', { name: 'Execute' }).click();
    const live = operation.locator('.live-responses-table .response');
    await live.first().waitFor({ timeout: 30_000 });
    expect((await live.locator('.response-col_status').first().textContent())?.trim()).toBe(String(status));
    expect(await live.locator('.response-col_description').first().textContent()).toContain(expected);
    expect(warnings.filter((w) => /Content Security Policy|Mixed Content|upgrade/i.test(w))).toEqual([]);
  });

  it('authorizes with a development token in the Authorize dialog and places an order from the page', async () => {
    const token = await devToken('--email', 'ada@example.com');
    const page = await browser!.newPage();
    await page.goto(`${sut.url}/docs`);
    await page.locator('.opblock').first().waitFor({ timeout: 30_000 });

    await authorize(page, token);

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
    // What a browser on another host needs of it: opened by a non-loopback address over plain
    // http, the page and its assets load, and nothing asks to upgrade them to https.
    expect(new URL(sut.url).hostname).not.toMatch(/^(127\.|localhost$|\[::1\]$)/);
    expect(new URL(sut.url).protocol).toBe('http:');
    const page = await fetch(`${sut.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
    expect(await page.text()).toContain('/docs/swagger-ui-bundle.js');
    expect((await fetch(`${sut.url}/docs/swagger-ui-bundle.js`)).status).toBe(200);
  });
}
