// The full-work baseline's event work: what Orderly does for every placed order after the
// request has answered - its outbox relay and the three OrderPlaced handlers - as plain `pg`,
// sending exactly Orderly's statements in Orderly's transactions, connected as the same module
// roles. `npm run bench` checks these statements against Orderly's on every run (the SQL mirror
// check, "full work"); when the relay or a handler changes in Orderly, this file is the one place
// to follow it: copy the statements the check prints.
//
// Mirrored from the kernel's OutboxRelay (packages/kernel/src/messaging/outbox-relay.ts) and
// UnitOfWork.transactionOnce, and the handlers subscribed in apps/api/src/app.module.ts:
// orders.ProjectOrderSummary, products.ConfirmStockReservation, notifications.SendOrderConfirmation
// (its log e-mail transport sends nothing over the network).
import { randomUUID } from 'node:crypto';
import pg from 'pg';

const BATCH_SIZE = 50; // DEFAULT_RELAY_OPTIONS.batchSize
const IDLE_POLL_MS = 1_000; // DEFAULT_RELAY_OPTIONS.idlePollMs
const CHANNEL = 'orderly_outbox_orders';

export const CLAIM = `SELECT seq, id, type, version, aggregate_id, correlation_id, causation_id, payload, occurred_at, attempts
           FROM "orders".outbox o
          WHERE o.status = 'pending' AND o.next_attempt_at <= now()
            AND NOT EXISTS (SELECT 1 FROM "orders".outbox earlier
                             WHERE earlier.aggregate_id = o.aggregate_id
                               AND earlier.status = 'pending' AND earlier.seq < o.seq)
          ORDER BY o.seq
          LIMIT $1
          FOR UPDATE SKIP LOCKED`;
const MARK_DELIVERED = `UPDATE "orders".outbox SET status = 'delivered', delivered_at = now(), attempts = attempts + 1, last_error = NULL
          WHERE seq = $1`;
export const NEXT_DUE = `SELECT (EXTRACT(EPOCH FROM (min(next_attempt_at) - now())) * 1000)::float8 AS ms
           FROM "orders".outbox WHERE status = 'pending'`;
const inboxInsert = (schema) => `INSERT INTO "${schema}".inbox (event_id, handler) VALUES ($1, $2)
         ON CONFLICT DO NOTHING RETURNING event_id`;
const INSERT_SUMMARY = `INSERT INTO orders.order_summaries (order_id, customer_id, customer_email, total, item_count, placed_at, status, status_changed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (order_id) DO NOTHING`;
export const CONFIRM_RESERVATION = `UPDATE "products"."stock_reservations" SET "status" = $1 WHERE "order_id" = $2 AND "status" IN ($3) RETURNING *`;
const INSERT_NOTIFICATION = `INSERT INTO "notifications"."notifications"("id", "order_id", "customer_id", "channel", "recipient", "template", "status", "created_at") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`;

/** The OrderPlaced handlers, in subscription order; each runs once per event (inbox row in its transaction). */
const HANDLERS = [
  {
    name: 'orders.ProjectOrderSummary',
    module: 'orders',
    effect: (db, order) =>
      db.query(INSERT_SUMMARY, [order.orderId, order.customerId ?? null, order.customerEmail, order.total, order.lines.reduce((sum, l) => sum + l.quantity, 0), new Date(order.placedAt), 'confirmed', new Date(order.placedAt)]),
  },
  {
    name: 'products.ConfirmStockReservation',
    module: 'products',
    effect: (db, order) => db.query(CONFIRM_RESERVATION, ['confirmed', order.orderId, 'reserved']),
  },
  {
    name: 'notifications.SendOrderConfirmation',
    module: 'notifications',
    effect: (db, order) =>
      db.query(INSERT_NOTIFICATION, [randomUUID(), order.orderId, order.customerId ?? null, 'email', order.customerEmail, 'order-confirmation', 'sent', new Date()]),
  },
];

/**
 * Starts the relay loop over orders' outbox: claim a batch, deliver its events concurrently (each
 * event to its handlers one after the other), mark them delivered, commit; sleep until the next
 * due event or a NOTIFY. `pools` maps module name to that module role's pg.Pool.
 */
export async function startEventWork({ pools, listenUrl, inTransaction, applicationName }) {
  let running = true;
  let wake = null;
  let wakeRequested = false;
  const listener = new pg.Client({ connectionString: listenUrl, application_name: applicationName });
  listener.on('notification', () => (wake ? wake() : (wakeRequested = true)));
  await listener.connect();
  await listener.query(`LISTEN ${CHANNEL}`);

  const handleOnce = (handler, event) =>
    inTransaction(pools[handler.module], async (db) => {
      const inserted = await db.query(inboxInsert(handler.module), [event.id, handler.name]);
      if (inserted.rows.length > 0) await handler.effect(db, event.payload);
    });
  const deliver = async (event) => {
    for (const handler of HANDLERS) await handleOnce(handler, event);
  };
  const deliverDueBatch = () =>
    inTransaction(pools.orders, async (db) => {
      const { rows } = await db.query(CLAIM, [BATCH_SIZE]);
      const outcomes = await Promise.allSettled(rows.map(deliver));
      for (const [i, outcome] of outcomes.entries()) {
        if (outcome.status === 'rejected') throw outcome.reason; // the bench expects none; Orderly would schedule a retry
        await db.query(MARK_DELIVERED, [rows[i].seq]);
      }
      return rows.length;
    });
  const sleep = (ms) =>
    wakeRequested || !running
      ? Promise.resolve((wakeRequested = false))
      : new Promise((resolve) => {
          const done = () => {
            clearTimeout(timer);
            wake = null;
            wakeRequested = false;
            resolve();
          };
          const timer = setTimeout(done, ms);
          wake = done;
        });
  const msUntilNextDue = async () => {
    const { rows } = await pools.orders.query(NEXT_DUE);
    const ms = rows[0]?.ms;
    return ms === null || ms === undefined ? IDLE_POLL_MS : Math.max(0, Math.min(ms, IDLE_POLL_MS));
  };
  const loop = (async () => {
    while (running) {
      let handled = 0;
      try {
        handled = await deliverDueBatch();
      } catch (error) {
        console.error('baseline relay failed a batch:', error);
        await sleep(IDLE_POLL_MS);
        continue;
      }
      if (handled >= BATCH_SIZE || !running) continue;
      await sleep(await msUntilNextDue().catch(() => IDLE_POLL_MS));
    }
  })();
  return async function stop() {
    running = false;
    wake?.();
    await loop;
    await listener.end().catch(() => undefined);
  };
}
