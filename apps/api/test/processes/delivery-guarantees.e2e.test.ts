// The delivery guarantees with the built app as real processes (dist/main.js) on one PostgreSQL:
// - crash test: orders are placed while the app is SIGKILLed at random moments and restarted;
//   afterwards every committed order has exactly one confirmation, no uncommitted order has
//   one, the read model matches the orders, and no outbox row is stuck;
// - two instances relay the same outbox: every event is handled exactly once.
import { execFileSync } from 'node:child_process';
import {
  bearer,
  eventually,
  startAppProcess,
  startTestIssuer,
  startTestPostgres,
  startTestSmtpServer,
  type AppProcess,
  type TestIssuer,
  type TestPostgres,
  type TestSmtpServer,
} from '@orderly/testing';
import { quoteIdentifier } from '@orderly/kernel';
import pg from 'pg';
import { moduleDatabases } from '../../src/database/module-databases.js';
import { ensureApiBuilt } from './built-api.js';
import { provisionForApp } from '../e2e/orderly-harness.js';

let dist: string;
beforeAll(async () => {
  dist = await ensureApiBuilt();
}, 180_000);

interface World {
  readonly issuer: TestIssuer;
  readonly postgres: TestPostgres;
  readonly smtp: TestSmtpServer;
  readonly db: pg.Client;
  /** The API's DATABASE_URL and DATABASE_ROLE_SECRET, after provisioning. */
  readonly database: Record<string, string>;
}

async function withWorld(test: (world: World) => Promise<void>): Promise<void> {
  const issuer = await startTestIssuer();
  const postgres = await startTestPostgres();
  const smtp = await startTestSmtpServer();
  const db = new pg.Client(postgres.adminUrl);
  await db.connect();
  try {
    await test({ issuer, postgres, smtp, db, database: await provisionForApp(postgres) });
  } finally {
    await db.end();
    await smtp.stop();
    await postgres.stop();
    await issuer.stop();
  }
}

function startApp({ database, issuer, smtp }: World): Promise<AppProcess> {
  return startAppProcess({
    entry: `${dist}/main.js`,
    env: { ...database, SMTP_URL: smtp.url, LOG_LEVEL: 'error', DEMO_DATA: 'false', WRITE_RATE_LIMIT: '1000000', ...issuer.env() },
    readyPath: '/products?limit=1',
    readyTimeoutMs: 60_000,
  });
}

async function createProduct(app: AppProcess, issuer: TestIssuer): Promise<string> {
  const res = await fetch(`${app.url}/products`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer(issuer.staffToken()) },
    body: JSON.stringify({ sku: `SKU-${Math.random().toString(36).slice(2, 10)}`, name: 'Crash-tested lamp', unitPrice: 500, stock: 1_000_000 }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/**
 * Places orders one after another until told to stop or the app stops answering. Returns the ids
 * that got a 201, and counts them in `progress` as they come (several clients may share one).
 */
async function placeOrders(
  issuer: TestIssuer,
  baseUrls: () => string,
  productId: string,
  label: string,
  keepGoing: () => boolean,
  max = Infinity,
  progress = { committed: 0 },
): Promise<string[]> {
  const committed: string[] = [];
  for (let n = 0; keepGoing() && n < max; n++) {
    const customerEmail = `${label}-${n}@example.com`;
    try {
      const res = await fetch(`${baseUrls()}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer(issuer.customerToken(customerEmail)) },
        body: JSON.stringify({ customerEmail, items: [{ productId, quantity: 1 }] }),
        signal: AbortSignal.timeout(10_000),
      });
      const body = (await res.json()) as { id: string };
      if (res.status === 201) {
        committed.push(body.id);
        progress.committed++;
      }
    } catch {
      return committed; // the app was killed under us: this order may or may not have committed
    }
  }
  return committed;
}

async function settled(db: pg.Client): Promise<void> {
  await eventually(
    async () => {
      const { rows } = await db.query(
        `SELECT ${moduleDatabases.map((m) => `(SELECT count(*) FROM ${quoteIdentifier(m.schema)}.outbox WHERE status = 'pending')`).join(' + ')} AS pending`,
      );
      return Number(rows[0].pending) === 0 ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );
}

/** Every guarantee the issue lists, checked on the database and the SMTP server's mailbox. */
async function expectExactlyOnceEffects({ db, smtp }: World, committed: readonly string[]): Promise<string[]> {
  const orders = (await db.query('SELECT id FROM orders.orders')).rows.map((r) => r.id as string);
  expect(orders).toEqual(expect.arrayContaining([...committed]));

  const notWithOneConfirmation = await db.query(`
    SELECT o.id, count(n.id)::int AS confirmations FROM orders.orders o
      LEFT JOIN notifications.notifications n ON n.order_id = o.id
     GROUP BY o.id HAVING count(n.id) <> 1`);
  expect(notWithOneConfirmation.rows).toEqual([]);
  const confirmationsOfUncommittedOrders = await db.query(`
    SELECT n.order_id FROM notifications.notifications n LEFT JOIN orders.orders o ON o.id = n.order_id WHERE o.id IS NULL`);
  expect(confirmationsOfUncommittedOrders.rows).toEqual([]);

  const summaries = await db.query(`
    SELECT (SELECT count(*) FROM orders.order_summaries)::int AS summaries,
           (SELECT count(*) FROM orders.order_summaries s LEFT JOIN orders.orders o ON o.id = s.order_id WHERE o.id IS NULL)::int AS orphans`);
  expect(summaries.rows[0]).toEqual({ summaries: orders.length, orphans: 0 });

  // Every module's outbox (a module made by `npm run new-module` too).
  const notDelivered = await db.query(
    moduleDatabases
      .map((m) => `SELECT '${m.module}' AS module, status, last_error FROM ${quoteIdentifier(m.schema)}.outbox WHERE status <> 'delivered'`)
      .join(' UNION ALL '),
  );
  expect(notDelivered.rows).toEqual([]);

  // Email: one distinct message per order. A crash between the SMTP send and the commit may send
  // a message twice (the documented window); such a duplicate carries the same Message-ID.
  const unfolded = smtp.received.map((e) => e.raw.replace(/\r?\n\s+/g, ' '));
  const messageIds = new Set(unfolded.map((raw) => /Message-ID: (<[^>]+>)/i.exec(raw)?.[1]));
  const emailedOrders = new Set(unfolded.map((raw) => /Subject: Your order ([0-9a-f-]{36}) is confirmed/.exec(raw)?.[1]));
  expect([...emailedOrders].sort()).toEqual([...orders].sort());
  expect(messageIds.size).toBe(orders.length);
  return orders;
}

function eventsCli(world: World, ...args: string[]): string {
  return execFileSync(process.execPath, [`${dist}/events.js`, ...args], {
    env: { ...process.env, ...world.database, LOG_LEVEL: 'error' },
    encoding: 'utf8',
  });
}

it('gives every committed order exactly one confirmation across SIGKILLs at random moments', async () => {
  await withWorld(async (world) => {
    let app = await startApp(world);
    const productId = await createProduct(app, world.issuer);
    const committed: string[] = [];
    const crashes = 3;
    for (let crash = 0; crash < crashes; crash++) {
      let alive = true;
      const url = app.url;
      const round = { committed: 0 };
      const clients = [0, 1, 2, 3].map((c) => placeOrders(world.issuer, () => url, productId, `crash${crash}-client${c}`, () => alive, Infinity, round));
      // A random moment once this round has committed an order (however long a loaded machine
      // takes to get there), so every round crashes with orders and events in flight.
      await eventually(async () => (round.committed > 0 ? true : undefined), { timeoutMs: 60_000, intervalMs: 10 });
      await new Promise((r) => setTimeout(r, Math.random() * 900));
      expect(await app.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
      alive = false;
      for (const ids of await Promise.all(clients)) committed.push(...ids);
      app = await startApp(world);
    }
    try {
      await settled(world.db);
      const orders = await expectExactlyOnceEffects(world, committed);
      expect(committed.length).toBeGreaterThan(0);
      expect(orders.length).toBeGreaterThanOrEqual(committed.length);
      const stats = JSON.parse(eventsCli(world, 'stats', '--json')) as Record<string, { pending: number; dead: number }>;
      expect(Object.keys(stats).sort()).toEqual(moduleDatabases.map((m) => m.module).sort());
      expect(Object.values(stats).map((s) => [s.pending, s.dead])).toEqual(moduleDatabases.map(() => [0, 0]));
    } finally {
      await app.kill('SIGTERM');
    }
  });
}, 240_000);

it('handles every event exactly once when two instances relay the same outbox', async () => {
  await withWorld(async (world) => {
    const instances = await Promise.all([startApp(world), startApp(world)]);
    try {
      const productId = await createProduct(instances[0]!, world.issuer);
      let turn = 0;
      const nextInstance = () => instances[turn++ % 2]!.url;
      const batches = await Promise.all([0, 1, 2, 3].map((c) => placeOrders(world.issuer, nextInstance, productId, `two-instances-${c}`, () => true, 6)));
      const committed = batches.flat();
      expect(committed).toHaveLength(24);

      await settled(world.db);
      const orders = await expectExactlyOnceEffects(world, committed);
      expect(orders).toHaveLength(24);
      expect(world.smtp.received).toHaveLength(24); // no crash here, so not a single duplicate email
      const handled = await world.db.query(`
        SELECT handler, count(*)::int AS events FROM (
          SELECT handler FROM orders.inbox UNION ALL SELECT handler FROM products.inbox UNION ALL SELECT handler FROM notifications.inbox
        ) h GROUP BY handler ORDER BY handler`);
      expect(handled.rows).toEqual([
        { handler: 'notifications.SendOrderConfirmation', events: 24 },
        { handler: 'orders.ProjectOrderSummary', events: 24 },
        { handler: 'products.ConfirmStockReservation', events: 24 },
      ]);
    } finally {
      await Promise.all(instances.map((app) => app.kill('SIGTERM')));
    }
  });
}, 120_000);
