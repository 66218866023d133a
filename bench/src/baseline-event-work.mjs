// The full-work baseline's event work: what Orderly does for every placed order after the
// request has answered - its outbox relay and the three OrderPlaced handlers - as plain `pg`,
// sending exactly Orderly's statements on the same kind of connections, connected as the same
// module roles. `npm run bench` checks these statements against Orderly's on every run (the SQL
// mirror check, "full work"); when the relay or a handler changes in Orderly, this file is the
// one place to follow it: copy the statements the check prints.
//
// Mirrored from the kernel's OutboxRelay (packages/kernel/src/messaging/outbox-relay.ts: fan-out
// to per-subscriber delivery rows, a lane per subscriber claiming batches under a lease with up
// to two batches in flight, completion in one statement, then the event's settlement, settle.ts),
// UnitOfWork.transactionOnce, the wake-ups of OutboxSignal (in-process for local commits, NOTIFY
// for other processes), and the handlers subscribed in apps/api/src/app.module.ts:
// orders.ProjectOrderSummary, products.ConfirmStockReservation, notifications.SendOrderConfirmation
// (its log e-mail transport sends nothing over the network). As in Orderly, the relay and the
// handlers run on each module's small handler pool, apart from the pools requests use.
import { randomUUID } from 'node:crypto';
import pg from 'pg';

// DEFAULT_RELAY_OPTIONS
const BATCH_SIZE = 50;
const BATCHES_IN_FLIGHT = 2;
const FAN_OUT_BATCH_SIZE = 500;
const LEASE_MS = 15_000;
const IDLE_POLL_MS = 1_000;
const MAX_ATTEMPTS = 20;
const BACKOFF_BASE_MS = 200;
const BACKOFF_MAX_MS = 60_000;
const CHANNEL = 'orderly_outbox_orders';
const FAN_OUT_LOCK = 'orderly_fan_out_orders';

/** Orderly's routes (EVENT_SUBSCRIPTIONS in apps/api/src/app.module.ts): every relay fans out to all of them. */
const ROUTES = [
  ['orders.OrderPlaced', 'orders.ProjectOrderSummary'],
  ['orders.OrderPlaced', 'products.ConfirmStockReservation'],
  ['orders.OrderPlaced', 'notifications.SendOrderConfirmation'],
  ['products.StockReservationExpired', 'orders.AbandonExpiredOrder'],
  ['orders.OrderAbandoned', 'products.ReleaseAbandonedReservation'],
  ['orders.OrderCancelled', 'orders.ProjectOrderCancellation'],
  ['orders.OrderCancelled', 'products.ReturnCancelledOrderStock'],
  ['orders.OrderCancelled', 'notifications.SendCancellationEmail'],
  ['orders.OrderShipped', 'orders.ProjectOrderShipment'],
  ['orders.OrderShipped', 'notifications.SendShippedEmail'],
];
const SUBSCRIBERS = [...new Set(ROUTES.map(([, subscriber]) => subscriber))];
// consumerOf: a subscriber's module, its name up to the first dot.
const consumerOf = (subscriber) => subscriber.slice(0, subscriber.indexOf('.'));

// OutboxRelay.fanOut (fanOutStatement)
export const FAN_OUT = `WITH lock AS (SELECT pg_try_advisory_xact_lock(hashtext($1)) AS held),
            fresh AS (
              SELECT o.seq, o.type, o.aggregate_id, o.occurred_at
                FROM "orders".outbox o, lock
               WHERE lock.held AND o.status = 'pending' AND NOT o.fanned_out AND o.next_attempt_at <= now()
                 AND NOT EXISTS (SELECT 1 FROM "orders".outbox earlier
                                  WHERE earlier.aggregate_id = o.aggregate_id AND earlier.status BETWEEN 'pending' AND 'pending'
                                    AND NOT earlier.fanned_out AND earlier.seq < o.seq)
               ORDER BY o.seq
               LIMIT $2
                 FOR UPDATE OF o
            ),
            routes AS (SELECT * FROM unnest($3::text[], $4::text[], $5::text[]) AS r(type, subscriber, consumer)),
            fanned AS (
              INSERT INTO "orders".outbox_delivery (event_seq, subscriber, consumer, aggregate_id, occurred_at)
              SELECT f.seq, r.subscriber, r.consumer, f.aggregate_id, f.occurred_at FROM fresh f JOIN routes r ON r.type = f.type
              ON CONFLICT DO NOTHING
            ),
            marked AS (
       UPDATE "orders".outbox o
          SET fanned_out = true,
              status = CASE WHEN EXISTS (SELECT 1 FROM routes r WHERE r.type = o.type) THEN 'pending' ELSE 'delivered' END,
              delivered_at = CASE WHEN EXISTS (SELECT 1 FROM routes r WHERE r.type = o.type) THEN NULL ELSE now() END
         FROM fresh
        WHERE o.seq = fresh.seq
       RETURNING o.type
            )
       SELECT type FROM marked`;
// OutboxRelay.claim (claimStatement)
export const CLAIM = `WITH claimed AS (
         SELECT d.event_seq FROM "orders".outbox_delivery d
          WHERE d.subscriber = $1 AND d.status = 'pending' AND d.next_attempt_at <= now()
            AND NOT EXISTS (SELECT 1 FROM "orders".outbox_delivery earlier
                             WHERE earlier.consumer = d.consumer AND earlier.aggregate_id = d.aggregate_id
                               AND earlier.status BETWEEN 'pending' AND 'pending' AND earlier.event_seq < d.event_seq)
          ORDER BY d.next_attempt_at, d.event_seq
          LIMIT $2
            FOR UPDATE SKIP LOCKED
       ), leased AS (
       UPDATE "orders".outbox_delivery d
          SET lease_owner = $3, attempts = d.attempts + 1,
              next_attempt_at = now() + ($4::double precision * interval '1 millisecond')
         FROM claimed, "orders".outbox o
        WHERE d.subscriber = $1 AND d.event_seq = claimed.event_seq AND o.seq = d.event_seq
       RETURNING d.event_seq, d.attempts, o.id, o.type, o.version, o.aggregate_id, o.correlation_id, o.causation_id,
                 o.payload, o.occurred_at, o.traceparent
       )
       SELECT * FROM leased ORDER BY event_seq`;
// OutboxRelay.complete
export const COMPLETE = `WITH completed AS (
       UPDATE "orders".outbox_delivery d
          SET status = x.status,
              last_error = x.error,
              delivered_at = CASE WHEN x.status = 'delivered' THEN now() END,
              next_attempt_at = CASE WHEN x.status = 'pending'
                                     THEN now() + (x.delay_ms * interval '1 millisecond') ELSE d.next_attempt_at END,
              lease_owner = NULL
         FROM unnest($2::bigint[], $3::text[], $4::text[], $5::double precision[]) AS x(event_seq, status, error, delay_ms)
        WHERE d.subscriber = $1 AND d.event_seq = x.event_seq AND d.lease_owner = $6 AND d.status BETWEEN 'pending' AND 'pending'
       RETURNING d.event_seq
       )
       SELECT event_seq FROM completed`;
// settleEvents (packages/kernel/src/messaging/settle.ts)
export const SETTLE = `WITH summary AS (
       SELECT d.event_seq,
              CASE WHEN bool_or(d.status = 'pending') THEN 'pending'
                   WHEN bool_or(d.status = 'dead') THEN 'dead'
                   WHEN bool_and(d.status = 'discarded') THEN 'discarded'
                   ELSE 'delivered' END AS status
         FROM "orders".outbox_delivery d
        WHERE d.event_seq = ANY($1::bigint[])
        GROUP BY d.event_seq
     ), settled AS (
       UPDATE "orders".outbox o
          SET status = summary.status,
              delivered_at = CASE WHEN summary.status IN ('delivered', 'discarded') THEN now() END
         FROM summary
        WHERE o.seq = summary.event_seq AND o.fanned_out AND summary.status <> 'pending' AND o.status <> summary.status
       RETURNING o.seq
     )
     SELECT count(*)::int AS settled FROM settled`;
// OutboxRelay.startLanesWithWork (at most once per poll interval)
const LANE_PROBE = `SELECT s.subscriber FROM unnest($1::text[]) AS s(subscriber)
        WHERE EXISTS (SELECT 1 FROM "orders".outbox_delivery d WHERE d.subscriber = s.subscriber AND d.status = 'pending')`;
// OutboxRelay.msUntilNextDue
export const NEXT_DUE = `SELECT (EXTRACT(EPOCH FROM (min(next_attempt_at) - now())) * 1000)::float8 AS ms
           FROM "orders".outbox_delivery WHERE subscriber = $1 AND status = 'pending' AND next_attempt_at > now()`;
// OutboxSignal's NOTIFY: after the commit, outside any transaction, at most once per 50 ms.
export const NOTIFY = `SELECT pg_notify($1, $2)`;
const NOTIFY_INTERVAL_MS = 50;

const inboxInsert = (schema) => `INSERT INTO "${schema}".inbox (event_id, handler) VALUES ($1, $2)
         ON CONFLICT DO NOTHING RETURNING event_id`;
// UnitOfWork.transactionOnce with shareTransaction: a batch's events in one transaction (orders' and products' handlers).
const sharedInboxInsert = (schema) => `INSERT INTO "${schema}".inbox (event_id, handler)
           SELECT DISTINCT unnest($1::uuid[]), $2 ON CONFLICT DO NOTHING RETURNING event_id`;
const INSERT_SUMMARY = `INSERT INTO orders.order_summaries (order_id, customer_id, customer_email, total, item_count, placed_at, status, status_changed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (order_id) DO NOTHING`;
export const CONFIRM_RESERVATION = `UPDATE "products"."stock_reservations" SET "status" = $1 WHERE "order_id" = $2 AND ("status" BETWEEN $3 AND $3) RETURNING *`;
const INSERT_NOTIFICATION = `INSERT INTO "notifications"."notifications"("id", "order_id", "customer_id", "channel", "recipient", "template", "status", "created_at") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`;

/**
 * The OrderPlaced handlers, by subscriber name; each runs once per event (inbox row in its
 * transaction). Those marked shareTransaction handle a batch's events in one transaction, as
 * Orderly's database-only handlers do (one alone is sent the single-event statement, as Orderly does).
 */
const HANDLERS = new Map([
  [
    'orders.ProjectOrderSummary',
    {
      module: 'orders',
      shareTransaction: true,
      effect: (db, order) =>
        db.query(INSERT_SUMMARY, [order.orderId, order.customerId ?? null, order.customerEmail, order.total, order.lines.reduce((sum, l) => sum + l.quantity, 0), new Date(order.placedAt), 'confirmed', new Date(order.placedAt)]),
    },
  ],
  ['products.ConfirmStockReservation', { module: 'products', shareTransaction: true, effect: (db, order) => db.query(CONFIRM_RESERVATION, ['confirmed', order.orderId, 'reserved']) }],
  [
    'notifications.SendOrderConfirmation',
    {
      module: 'notifications',
      effect: (db, order) =>
        db.query(INSERT_NOTIFICATION, [randomUUID(), order.orderId, order.customerId ?? null, 'email', order.customerEmail, 'order-confirmation', 'sent', new Date()]),
    },
  ],
]);

const backoffMs = (attempt) => Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt - 1, 30));

/** A sleep a wake-up ends early; a wake-up while awake makes the next sleep return at once (as the kernel's). */
function sleeper() {
  let wakeCurrent = null;
  let wakeRequested = false;
  return {
    sleep: (ms) => {
      if (wakeRequested) {
        wakeRequested = false;
        return Promise.resolve();
      }
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          wakeCurrent = null;
          wakeRequested = false;
          resolve();
        };
        const timer = setTimeout(done, ms);
        wakeCurrent = done;
      });
    },
    wake: () => (wakeCurrent ? wakeCurrent() : (wakeRequested = true)),
  };
}

/**
 * Starts the relay over orders' outbox. `pools` maps module name to that module role's handler
 * pg.Pool; `relayPool` is orders' relay pool (asynchronous commit, as the kernel's); `signal` is the outboxSignal the request path calls after
 * its commits. Returns stop().
 */
export async function startEventWork({ pools, relayPool, listenUrl, inTransaction, applicationName, signal }) {
  let running = true;
  const fanOutSleeper = sleeper();
  const lanes = new Map();
  let lastLaneProbeAt = 0;
  const listener = new pg.Client({ connectionString: listenUrl, application_name: applicationName });
  listener.on('notification', (message) => {
    if (message.payload === signal.token) return;
    fanOutSleeper.wake();
    for (const lane of lanes.values()) lane.sleeper.wake();
  });
  await listener.connect();
  await listener.query(`LISTEN ${CHANNEL}`);

  const relayDb = relayPool;
  const settle = async (seqs) => {
    if (seqs.length > 0) await relayDb.query(SETTLE, [seqs.map(String)]);
  };
  const deliver = (event, subscriber) => {
    const handler = HANDLERS.get(subscriber);
    if (!handler) return Promise.reject(new Error(`${subscriber} is not subscribed in the baseline`));
    return inTransaction(pools[handler.module], async (db) => {
      const inserted = await db.query(inboxInsert(handler.module), [event.id, subscriber]);
      if (inserted.rows.length > 0) await handler.effect(db, event.payload);
    });
  };
  const claim = async (subscriber) => {
    const owner = randomUUID();
    const { rows } = await relayDb.query(CLAIM, [subscriber, BATCH_SIZE, owner, LEASE_MS]);
    return { subscriber, owner, rows };
  };
  // The events of a batch to a sharing handler: one transaction; if it fails, each alone.
  const deliverShared = async (rows, subscriber) => {
    const handler = HANDLERS.get(subscriber);
    try {
      await inTransaction(pools[handler.module], async (db) => {
        const inserted = new Set((await db.query(sharedInboxInsert(handler.module), [rows.map((r) => r.id), subscriber])).rows.map((r) => r.event_id));
        for (const row of rows) if (inserted.delete(row.id)) await handler.effect(db, row.payload);
      });
      return rows.map(() => ({ status: 'fulfilled' }));
    } catch {
      return Promise.allSettled(rows.map((row) => deliver(row, subscriber)));
    }
  };
  const deliverBatch = async (lease) => {
    const outcomes = lease.rows.length > 1 && HANDLERS.get(lease.subscriber)?.shareTransaction
      ? await deliverShared(lease.rows, lease.subscriber)
      : await Promise.allSettled(lease.rows.map((row) => deliver(row, lease.subscriber)));
    const seqs = [];
    const statuses = [];
    const errors = [];
    const delays = [];
    for (const [i, outcome] of outcomes.entries()) {
      const row = lease.rows[i];
      seqs.push(row.event_seq);
      if (outcome.status === 'fulfilled') {
        statuses.push('delivered');
        errors.push(null);
        delays.push(0);
        continue;
      }
      console.error(`baseline relay: delivery to ${lease.subscriber} failed:`, outcome.reason);
      statuses.push(row.attempts >= MAX_ATTEMPTS ? 'dead' : 'pending');
      errors.push(String(outcome.reason?.message ?? outcome.reason).slice(0, 4000));
      delays.push(backoffMs(row.attempts));
    }
    const { rows } = await relayDb.query(COMPLETE, [lease.subscriber, seqs, statuses, errors, delays, lease.owner]);
    const completed = new Set(rows.map((r) => String(r.event_seq)));
    await settle(seqs.filter((seq, i) => statuses[i] !== 'pending' && completed.has(String(seq)))).catch((error) => console.error('baseline relay: settle failed:', error));
  };
  const msUntilNextDue = async (subscriber) => {
    try {
      const { rows } = await relayDb.query(NEXT_DUE, [subscriber]);
      const ms = rows[0]?.ms;
      return ms === null || ms === undefined ? IDLE_POLL_MS : Math.max(0, Math.min(ms, IDLE_POLL_MS));
    } catch {
      return IDLE_POLL_MS;
    }
  };
  const laneLoop = async (lane) => {
    const inFlight = new Set();
    while (running) {
      if (inFlight.size >= BATCHES_IN_FLIGHT) {
        await lane.sleeper.sleep(IDLE_POLL_MS);
        continue;
      }
      let lease;
      try {
        lease = await claim(lane.subscriber);
      } catch (error) {
        console.error(`baseline relay: claim for ${lane.subscriber} failed:`, error);
        await lane.sleeper.sleep(IDLE_POLL_MS);
        continue;
      }
      if (lease.rows.length === 0) {
        await lane.sleeper.sleep(inFlight.size > 0 ? IDLE_POLL_MS : await msUntilNextDue(lane.subscriber));
        continue;
      }
      const batch = deliverBatch(lease)
        .catch((error) => console.error(`baseline relay: batch to ${lane.subscriber} failed:`, error))
        .finally(() => {
          inFlight.delete(batch);
          for (const other of lanes.values()) if (other.consumer === lane.consumer) other.sleeper.wake();
        });
      inFlight.add(batch);
    }
    await Promise.all(inFlight);
  };
  const startLanes = (subscribers) => {
    for (const subscriber of subscribers) {
      const existing = lanes.get(subscriber);
      if (existing) {
        existing.sleeper.wake();
        continue;
      }
      const lane = { subscriber, consumer: consumerOf(subscriber), sleeper: sleeper(), done: null };
      lanes.set(subscriber, lane);
      lane.done = laneLoop(lane);
    }
  };
  const startLanesWithWork = async () => {
    if (Date.now() - lastLaneProbeAt < IDLE_POLL_MS) return;
    const candidates = SUBSCRIBERS.filter((s) => !lanes.has(s));
    if (candidates.length === 0) return;
    lastLaneProbeAt = Date.now();
    const { rows } = await relayDb.query(LANE_PROBE, [candidates]);
    startLanes(rows.map((r) => r.subscriber));
  };
  const fanOut = async () => {
    const { rows } = await relayDb.query(FAN_OUT, [FAN_OUT_LOCK, FAN_OUT_BATCH_SIZE, ROUTES.map(([type]) => type), ROUTES.map(([, subscriber]) => subscriber), ROUTES.map(([, subscriber]) => consumerOf(subscriber))]);
    const types = new Set(rows.map((r) => r.type));
    if (running) startLanes(ROUTES.filter(([type]) => types.has(type)).map(([, subscriber]) => subscriber));
    return rows.length;
  };
  const fanOutLoop = (async () => {
    while (running) {
      let fanned = 0;
      try {
        await startLanesWithWork();
        fanned = await fanOut();
      } catch (error) {
        console.error('baseline relay: fan-out failed:', error);
      }
      if (fanned >= FAN_OUT_BATCH_SIZE || !running) continue;
      await fanOutSleeper.sleep(IDLE_POLL_MS);
    }
  })();

  const stopListeningLocally = signal.onLocalCommit(() => fanOutSleeper.wake());
  return async function stop() {
    running = false;
    stopListeningLocally();
    fanOutSleeper.wake();
    for (const lane of lanes.values()) lane.sleeper.wake();
    await fanOutLoop;
    await Promise.all([...lanes.values()].map((lane) => lane.done));
    await listener.end().catch(() => undefined);
  };
}

/**
 * OutboxSignal: call committed() after a transaction that wrote an outbox row committed. Wakes
 * this process's relay in-process at once, and NOTIFYs other processes' relays after the commit,
 * outside any transaction, at most once per 50 ms (the first at once, later ones coalesced).
 */
export function outboxSignal(pool) {
  const token = randomUUID();
  const local = new Set();
  let timer = null;
  let owed = false;
  let lastAt = 0;
  let closed = false;
  const send = () => {
    lastAt = Date.now();
    pool.query(NOTIFY, [CHANNEL, token]).catch(() => undefined);
  };
  const endOfInterval = () => {
    timer = null;
    if (!owed || closed) return;
    owed = false;
    send();
    timer = setTimeout(endOfInterval, NOTIFY_INTERVAL_MS);
  };
  return {
    token,
    onLocalCommit(listener) {
      local.add(listener);
      return () => local.delete(listener);
    },
    committed() {
      for (const listener of local) listener();
      if (closed) return;
      if (timer) {
        owed = true;
        return;
      }
      const wait = lastAt + NOTIFY_INTERVAL_MS - Date.now();
      if (wait <= 0) {
        send();
        timer = setTimeout(endOfInterval, NOTIFY_INTERVAL_MS);
      } else {
        owed = true;
        timer = setTimeout(endOfInterval, wait);
      }
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
    },
  };
}
