// /docs in a real browser: Debian's Chromium (apt-get install chromium) driven by playwright-core,
// never a downloaded browser. It lists every operation of /openapi.json and runs one request from
// the page. Without a browser this file still checks what it can over HTTP, and leaves a warning
// that `npm test` prints above its closing line, so a missing browser is never silent.
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { http, startOrderlyForTest, type OrderlyUnderTest } from '../e2e/orderly-harness.js';

const executablePath = process.env.ORDERLY_CHROMIUM ?? '/usr/bin/chromium';
const hasBrowser = executablePath !== '' && existsSync(executablePath);

// The flags this machine's closed network needs (no background connections, no sandbox as root).
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let sut: OrderlyUnderTest;
let browser: Browser | undefined;

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
  sut = await startOrderlyForTest({ HOST: nonLoopbackAddress(), DEMO_DATA: 'true' });
  await http(sut.url, 'POST', '/products', { sku: 'DOCS-LAMP', name: 'Reading lamp', unitPrice: 3999, stock: 3 });
  if (hasBrowser) browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await sut?.stop();
});

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
