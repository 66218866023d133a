// The floor of Orderly's stack: node:http + pg and nothing else - no framework, no ORM, no
// ports, no events. For POST /orders and GET /orders/:id it sends PostgreSQL exactly the
// statements Orderly sends (captured from PostgreSQL's log; `npm run bench` re-checks them on
// every run), in the same transactions, connected as the same module roles. POST is mirrored
// without an Idempotency-Key, as the bench sends it (the keyed path of issue 5 adds statements
// of its own; neither server is measured with it). What it leaves out is everything Orderly does
// in JavaScript: Nest's pipeline and middleware (request ids, pino logging, metrics, helmet),
// class-validator, TypeORM's query building and mapping, the domain model - and the event relay
// that later delivers the outbox row.
//
// It verifies no access token: every order belongs to CUSTOMER_ID, the subject of the token the
// bench sends Orderly (whose SQL scopes GET /orders/:id to it).
//
// With EVENT_WORK=relay it is the full-work baseline: it also does Orderly's per-order event work
// (relay, the three OrderPlaced handlers: read model, reservation confirmation, notification,
// with their inbox rows, the deliveries' completion and the event's settlement) with Orderly's
// SQL, in the background as Orderly does (bench/src/baseline-event-work.mjs). Without it, it is
// the request-path baseline. Both wake relays as Orderly does after a commit (a NOTIFY at most
// every 50 ms, outside the transaction).
//
// Env: PORT, PRODUCTS_URL, ORDERS_URL, NOTIFICATIONS_URL (module role URLs from provisioning),
// POOL_SIZE, HANDLER_POOL_SIZE, RESERVATION_TTL_MS, EVENT_WORK (relay | none), APPLICATION_NAME (prefix of its connections' names),
// CUSTOMER_ID.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import pg from 'pg';
import { outboxSignal, startEventWork } from './baseline-event-work.mjs';

const poolSize = Number(process.env.POOL_SIZE ?? 10);
// The bench names the two baselines' connections apart: bench-baseline-path-*, bench-baseline-full-*.
const appName = process.env.APPLICATION_NAME ?? 'bench-baseline';
const reservationTtlMs = Number(process.env.RESERVATION_TTL_MS ?? 300_000);
const customerId = process.env.CUSTOMER_ID ?? 'bench-customer';
// Same pool settings as the kernel's createModuleDataSource (one pool per module role).
const ISOLATION = '-c default_transaction_isolation=read\\ committed';
const products = new pg.Pool({ connectionString: process.env.PRODUCTS_URL, max: poolSize, options: `-c search_path=products ${ISOLATION}`, application_name: `${appName}-products` });
const orders = new pg.Pool({ connectionString: process.env.ORDERS_URL, max: poolSize, options: `-c search_path=orders ${ISOLATION}`, application_name: `${appName}-orders` });
const fullWork = process.env.EVENT_WORK === 'relay';
// As Orderly's: each module's relay and event handlers on a small pool of their own
// (EVENT_HANDLER_POOL_SIZE, default 2); a pool opens no connection until it is used.
const handlerPoolSize = Number(process.env.HANDLER_POOL_SIZE ?? 2);
const handlerPool = (module, url) =>
  new pg.Pool({ connectionString: url, max: handlerPoolSize, options: `-c search_path=${module} ${ISOLATION}`, application_name: `${appName}-${module}-events` });
const handlerPools = {
  products: handlerPool('products', process.env.PRODUCTS_URL),
  orders: handlerPool('orders', process.env.ORDERS_URL),
  notifications: handlerPool('notifications', process.env.NOTIFICATIONS_URL),
};
// The relay's own statements, as the kernel's relay pool: asynchronous commit (ADR 0003).
const relayPool = new pg.Pool({ connectionString: process.env.ORDERS_URL, max: handlerPoolSize, options: `-c search_path=orders ${ISOLATION} -c synchronous_commit=off`, application_name: `${appName}-orders-delivery` });
const signal = outboxSignal(handlerPools.orders);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const BODY_LIMIT = 64 * 1024;

// No idempotency lookup of reservations: Orderly skips it for an order id it generated a moment ago (issue 17).
const selectProductsForUpdate = (n) =>
  `SELECT "p"."id" AS "p_id", "p"."sku" AS "p_sku", "p"."name" AS "p_name", "p"."unit_price" AS "p_unit_price", "p"."stock" AS "p_stock", "p"."version" AS "p_version", "p"."created_at" AS "p_created_at", "p"."withdrawn_at" AS "p_withdrawn_at" FROM "products"."products" "p" WHERE "p"."id" IN (${placeholders(n, 1)}) ORDER BY "p"."id" ASC FOR UPDATE`;
const UPDATE_PRODUCT = `UPDATE "products"."products" SET "stock" = $1, "version" = $2 WHERE ("id" = $3 AND "version" = $4)`;
const insertReservations = (n) =>
  `INSERT INTO "products"."stock_reservations"("order_id", "product_id", "quantity", "unit_price", "status", "expires_at") VALUES ${rows(n, 6)}`;
// The order's fate (issue 5): written first in orders' transaction, the arbiter against a late abandon.
const INSERT_FATE = `INSERT INTO orders.order_fates (order_id, fate) VALUES ($1, 'placed')`;
const INSERT_ORDER = `INSERT INTO "orders"."orders"("id", "customer_id", "customer_email", "status", "status_changed_at", "total", "created_at") VALUES ($1, $2, $3, $4, $5, $6, $7)`;
const insertLines = (n) =>
  `INSERT INTO "orders"."order_lines"("order_id", "position", "product_id", "quantity", "unit_price", "line_total") VALUES ${rows(n, 6)}`;
const INSERT_OUTBOX = `INSERT INTO "orders".outbox
         (id, type, version, aggregate_id, correlation_id, causation_id, payload, occurred_at, traceparent)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`;
const SELECT_ORDER = `SELECT "order"."id" AS "order_id", "order"."customer_id" AS "order_customer_id", "order"."customer_email" AS "order_customer_email", "order"."status" AS "order_status", "order"."status_changed_at" AS "order_status_changed_at", "order"."total" AS "order_total", "order"."created_at" AS "order_created_at", "line"."order_id" AS "line_order_id", "line"."position" AS "line_position", "line"."product_id" AS "line_product_id", "line"."quantity" AS "line_quantity", "line"."unit_price" AS "line_unit_price", "line"."line_total" AS "line_line_total" FROM "orders"."orders" "order" LEFT JOIN "orders"."order_lines" "line" ON "line"."order_id"="order"."id" WHERE "order"."id" = $1 AND "order"."customer_id" = $2`;

function placeholders(n, from) {
  return Array.from({ length: n }, (_, i) => `$${from + i}`).join(', ');
}
function rows(n, width) {
  return Array.from({ length: n }, (_, r) => `(${placeholders(width, r * width + 1)})`).join(', ');
}

async function inTransaction(pool, work) {
  const client = await pool.connect();
  try {
    await client.query('START TRANSACTION');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function placeOrder(body) {
  const problem = checkOrder(body);
  if (problem) return [400, { title: 'Bad Request', status: 400, detail: problem }];
  const orderId = randomUUID();
  const items = body.items;
  const ids = [...new Set(items.map((i) => i.productId))].sort();

  const reserved = await inTransaction(products, async (db) => {
    const found = (await db.query(selectProductsForUpdate(ids.length), ids)).rows;
    const byId = new Map(found.map((p) => [p.p_id, p]));
    const unknown = ids.filter((id) => !byId.has(id));
    if (unknown.length > 0) return [422, { title: 'Unknown products', status: 422, unknownProductIds: unknown }];
    const withdrawn = ids.filter((id) => byId.get(id).p_withdrawn_at !== null);
    if (withdrawn.length > 0) return [422, { title: 'Withdrawn products', status: 422, withdrawnProductIds: withdrawn }];
    const short = items.filter((i) => byId.get(i.productId).p_stock < i.quantity);
    if (short.length > 0) return [409, { title: 'Insufficient stock', status: 409 }];
    const expiresAt = new Date(Date.now() + reservationTtlMs);
    const values = [];
    for (const item of items) {
      const p = byId.get(item.productId);
      const updated = await db.query(UPDATE_PRODUCT, [p.p_stock - item.quantity, p.p_version + 1, p.p_id, p.p_version]);
      if (updated.rowCount !== 1) throw new Error(`Product ${p.p_id} was changed concurrently`);
      p.p_stock -= item.quantity;
      p.p_version += 1;
      values.push(orderId, p.p_id, item.quantity, Number(p.p_unit_price), 'reserved', expiresAt);
    }
    await db.query(insertReservations(items.length), values);
    return items.map((i) => ({ productId: i.productId, quantity: i.quantity, unitPrice: Number(byId.get(i.productId).p_unit_price) }));
  });
  if (!Array.isArray(reserved)) return reserved;

  const createdAt = new Date();
  const lines = reserved.map((l) => ({ ...l, lineTotal: l.quantity * l.unitPrice }));
  const total = lines.reduce((sum, l) => sum + l.lineTotal, 0);
  const order = { id: orderId, status: 'confirmed', customerEmail: body.customerEmail, items: lines, total, createdAt: createdAt.toISOString() };
  await inTransaction(orders, async (db) => {
    await db.query(INSERT_FATE, [orderId]);
    await db.query(INSERT_ORDER, [orderId, customerId, body.customerEmail, 'confirmed', createdAt, total, createdAt]);
    await db.query(insertLines(lines.length), lines.flatMap((l, position) => [orderId, position, l.productId, l.quantity, l.unitPrice, l.lineTotal]));
    const payload = { orderId, customerId, customerEmail: order.customerEmail, lines, total, placedAt: order.createdAt };
    await db.query(INSERT_OUTBOX, [randomUUID(), 'orders.OrderPlaced', 1, orderId, randomUUID(), null, JSON.stringify(payload), new Date().toISOString(), null]);
  });
  signal.committed();
  return [201, order, { Location: `/orders/${orderId}` }];
}

function checkOrder(body) {
  if (typeof body !== 'object' || body === null) return 'body must be an object';
  if (typeof body.customerEmail !== 'string' || body.customerEmail.length > 254 || !EMAIL.test(body.customerEmail)) return 'customerEmail must be an email';
  if (!Array.isArray(body.items) || body.items.length < 1 || body.items.length > 50) return 'items must have 1 to 50 entries';
  for (const item of body.items) {
    if (typeof item?.productId !== 'string' || !UUID.test(item.productId)) return 'productId must be a UUID';
    if (!Number.isInteger(item.quantity) || item.quantity < 1 || item.quantity > 1000) return 'quantity must be 1 to 1000';
  }
  if (new Set(body.items.map((i) => i.productId)).size !== body.items.length) return 'items must not repeat a productId';
  return null;
}

async function getOrder(id) {
  if (!UUID.test(id)) return [400, { title: 'Bad Request', status: 400, detail: 'Validation failed (uuid is expected)' }];
  const { rows } = await orders.query(SELECT_ORDER, [id, customerId]);
  if (rows.length === 0) return [404, { title: 'Not Found', status: 404 }];
  const first = rows[0];
  const items = rows
    .filter((r) => r.line_order_id !== null)
    .sort((a, b) => a.line_position - b.line_position)
    .map((r) => ({ productId: r.line_product_id, quantity: r.line_quantity, unitPrice: Number(r.line_unit_price), lineTotal: Number(r.line_line_total) }));
  return [200, { id: first.order_id, status: first.order_status, statusChangedAt: first.order_status_changed_at.toISOString(), customerEmail: first.order_customer_email, items, total: Number(first.order_total), createdAt: first.order_created_at.toISOString() }];
}

function send(res, [status, body, headers = {}]) {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': status >= 400 ? 'application/problem+json; charset=utf-8' : 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(json),
    ...headers,
  });
  res.end(json);
}

const server = createServer((req, res) => {
  const answer = (promise) =>
    promise.then(
      (result) => send(res, result),
      (error) => {
        console.error(error);
        send(res, [500, { title: 'Internal Server Error', status: 500 }]);
      },
    );
  if (req.method === 'GET' && req.url.startsWith('/orders/')) return answer(getOrder(req.url.slice('/orders/'.length)));
  if (req.method === 'GET' && req.url.startsWith('/health')) return send(res, [200, { status: 'ok' }]);
  if (req.method === 'POST' && req.url === '/orders') {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= BODY_LIMIT) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > BODY_LIMIT) return send(res, [413, { title: 'Request body too large', status: 413 }]);
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(res, [400, { title: 'Malformed JSON', status: 400 }]);
      }
      answer(placeOrder(body));
    });
    return;
  }
  send(res, [404, { title: 'Not Found', status: 404 }]);
});

const stopEventWork = fullWork
  ? await startEventWork({ pools: handlerPools, relayPool, listenUrl: process.env.ORDERS_URL, inTransaction, applicationName: `${appName}-relay`, signal })
  : async () => undefined;
server.keepAliveTimeout = 5_000; // node's default, the same as Orderly's
server.listen(Number(process.env.PORT ?? 3100), process.env.HOST ?? '127.0.0.1');
const stop = () =>
  server.close(() =>
    stopEventWork()
      .then(() => signal.close())
      .then(() => Promise.all([products.end(), orders.end(), relayPool.end(), ...Object.values(handlerPools).map((pool) => pool.end())]))
      .then(() => process.exit(0)),
  );
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
