// `npm run bench -- --scale`: a database that has lived a while - by default 1,000,000 placed
// orders with everything they leave behind (lines, fates, history read-model rows, confirmed
// stock reservations, sent notifications, delivered OrderPlaced events with their per-subscriber
// delivery rows and the handlers' inbox rows) and 100,000 products - written straight through SQL with generate_series, in the tables
// the modules' migrations created. Ids are md5-derived, so the bench can name any of them
// without reading them back (scaleOrderId, scaleProductId).
//
// The orders were placed over the last six days, as by a shop taking a million orders a week: the
// messaging tables then hold what retention keeps (delivered events and inbox entries for seven
// days), all of it. Spread over a year, as before, 98 % of the events were past retention, and
// Orderly's retention sweep spent the measured runs deleting them, on the handlers' connections.
// The orders belong to the bench's customer when one is given (GET /orders/:id answers only an
// order's owner; without an owner every GET was a 404).
import { createHash } from 'node:crypto';

// md5 of a text, shaped as a version-4 UUID (the API accepts only RFC 9562 versions and variant).
const uuidOf = (text) => {
  const hex = createHash('md5').update(text).digest('hex');
  const v4 = `${hex.slice(0, 12)}4${hex.slice(13, 16)}8${hex.slice(17)}`;
  return v4.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
};
const uuidSql = (text) => `overlay(overlay(md5(${text}) placing '4' from 13) placing '8' from 17)::uuid`;
/** Id of the i-th preloaded order (1-based), as the SQL below computes it. */
export const scaleOrderId = (i) => uuidOf(`order-${i}`);
/** Id of the i-th preloaded product (1-based). */
export const scaleProductId = (i) => uuidOf(`product-${i}`);

/** The preload, one statement per table. */
export function scaleStatements(orders, products, customerId = null) {
  if (!Number.isSafeInteger(orders) || !Number.isSafeInteger(products) || orders < 1 || products < 1) throw new Error('orders and products must be positive integers');
  if (customerId !== null && !/^[A-Za-z0-9._:@-]{1,200}$/.test(customerId)) throw new Error(`unexpected customer id: ${customerId}`);
  const owner = customerId === null ? 'NULL' : `'${customerId}'`;
  return [
  `INSERT INTO products.products (id, sku, name, unit_price, stock, version, created_at)
   SELECT ${uuidSql("'product-' || p")}, 'SCALE-' || p, 'Scale product ' || p, 100 + p % 50, 1000000000, 1,
          now() - interval '400 days' + p * interval '1 second'
     FROM generate_series(1, ${products}) p`,
  // Every order: one line of product (i mod products) + 1, quantity 1..3, placed over the last six days.
  `CREATE TEMPORARY TABLE scale_orders ON COMMIT DROP AS
   SELECT i, ${uuidSql("'order-' || i")} AS id, ${uuidSql("'event-' || i")} AS event_id,
          ${uuidSql(`'product-' || (i % ${products} + 1)`)} AS product_id, 100 + (i % ${products} + 1) % 50 AS unit_price,
          1 + i % 3 AS quantity, 'customer' || i % 50000 || '@example.com' AS email,
          now() - interval '6 days' + i * (interval '6 days' / ${orders}) AS placed_at
     FROM generate_series(1, ${orders}) i`,
  `INSERT INTO orders.orders (id, customer_id, customer_email, status, status_changed_at, total, created_at)
   SELECT id, ${owner}, email, 'confirmed', placed_at, quantity * unit_price, placed_at FROM scale_orders`,
  `INSERT INTO orders.order_lines (order_id, position, product_id, quantity, unit_price, line_total)
   SELECT id, 0, product_id, quantity, unit_price, quantity * unit_price FROM scale_orders`,
  `INSERT INTO orders.order_fates (order_id, fate, decided_at) SELECT id, 'placed', placed_at FROM scale_orders`,
  `INSERT INTO orders.order_summaries (order_id, customer_id, customer_email, total, item_count, placed_at, projected_at, status, status_changed_at)
   SELECT id, ${owner}, email, quantity * unit_price, quantity, placed_at, placed_at, 'confirmed', placed_at FROM scale_orders`,
  `INSERT INTO orders.outbox (id, type, version, aggregate_id, correlation_id, causation_id, payload, occurred_at, status, attempts, next_attempt_at, delivered_at, fanned_out)
   SELECT event_id, 'orders.OrderPlaced', 1, id::text, ${uuidSql("'correlation-' || i")}::text, NULL,
          jsonb_build_object('orderId', id, 'customerEmail', email, 'total', quantity * unit_price, 'placedAt', placed_at,
            'lines', jsonb_build_array(jsonb_build_object('productId', product_id, 'quantity', quantity, 'unitPrice', unit_price, 'lineTotal', quantity * unit_price))),
          placed_at, 'delivered', 1, placed_at, placed_at, true
     FROM scale_orders ORDER BY i`,
  // Each event's delivery to each of its three subscribers (issue 15), kept until retention removes them.
  `INSERT INTO orders.outbox_delivery (event_seq, subscriber, consumer, aggregate_id, occurred_at, status, attempts, next_attempt_at, delivered_at)
   SELECT o.seq, s.subscriber, s.consumer, o.aggregate_id, o.occurred_at, 'delivered', 1, o.occurred_at, o.occurred_at
     FROM orders.outbox o
    CROSS JOIN (VALUES ('orders.ProjectOrderSummary', 'orders'), ('products.ConfirmStockReservation', 'products'),
                       ('notifications.SendOrderConfirmation', 'notifications')) AS s(subscriber, consumer)
    WHERE o.id IN (SELECT event_id FROM scale_orders)`,
  `INSERT INTO orders.inbox (event_id, handler, processed_at) SELECT event_id, 'orders.ProjectOrderSummary', placed_at FROM scale_orders`,
  `INSERT INTO products.inbox (event_id, handler, processed_at) SELECT event_id, 'products.ConfirmStockReservation', placed_at FROM scale_orders`,
  `INSERT INTO products.stock_reservations (order_id, product_id, quantity, unit_price, status, expires_at)
   SELECT id, product_id, quantity, unit_price, 'confirmed', placed_at + interval '5 minutes' FROM scale_orders`,
  `INSERT INTO notifications.inbox (event_id, handler, processed_at) SELECT event_id, 'notifications.SendOrderConfirmation', placed_at FROM scale_orders`,
  `INSERT INTO notifications.notifications (id, order_id, channel, recipient, template, status, created_at)
   SELECT ${uuidSql("'notification-' || i")}, id, 'email', email, 'order-confirmation', 'sent', placed_at FROM scale_orders`,
  ];
}

/** Writes the preload in one transaction as the admin role, then ANALYZEs, so plans see the new sizes. */
export async function preloadScaleData(admin, { orders = 1_000_000, products = 100_000, customerId = null } = {}) {
  const client = await admin.connect();
  try {
    await client.query('SET synchronous_commit = off');
    await client.query(`SET maintenance_work_mem = '256MB'`);
    await client.query('BEGIN');
    for (const sql of scaleStatements(orders, products, customerId)) await client.query(sql);
    await client.query('COMMIT');
    for (const schema of ['products', 'orders', 'notifications']) await client.query(`ANALYZE (SKIP_LOCKED) ${schema}.outbox, ${schema}.outbox_delivery, ${schema}.inbox`);
    await client.query('ANALYZE products.products, products.stock_reservations, orders.orders, orders.order_lines, orders.order_fates, orders.order_summaries, notifications.notifications');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
