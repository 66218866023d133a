import { ApplicationError, NotFoundError } from '../errors/application-error.js';
import type { EventEnvelope } from '../events/event-envelope.js';
import { deliveryTable, outboxChannel, quoteIdentifier } from './messaging-tables.js';
import { settleEvents } from './settle.js';
import type { SqlRunner } from './sql-runner.js';

export type { SqlRunner };

/** pending: waiting for (re)delivery; dead: gave up, needs an operator; discarded: an operator dropped it. */
export type OutboxStatus = 'pending' | 'delivered' | 'dead' | 'discarded';

/** Where one event stands with one subscriber. */
export interface DeliveryEntry {
  readonly subscriber: string;
  readonly status: OutboxStatus;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly nextAttemptAt: string;
  readonly deliveredAt: string | null;
}

/**
 * One event as an operator sees it. Its status sums up its deliveries: pending while any
 * subscriber still waits for it (or it is not fanned out yet), else dead if any subscriber's
 * delivery is dead, discarded if all were discarded, else delivered. attempts is the most any
 * subscriber needed, lastError every distinct last error of its deliveries.
 */
export interface OutboxEntry {
  readonly id: string;
  readonly seq: number;
  readonly type: string;
  readonly version: number;
  readonly aggregateId: string;
  readonly correlationId: string;
  readonly status: OutboxStatus;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly occurredAt: string;
  readonly nextAttemptAt: string;
  readonly payload: unknown;
  /** One per subscriber once the event is fanned out (empty before, or when nobody subscribes). */
  readonly deliveries: readonly DeliveryEntry[];
}

export interface OutboxStats {
  /** Events not yet delivered to every subscriber. */
  readonly pending: number;
  /** Events with a dead-lettered delivery. */
  readonly dead: number;
  /** Age of the oldest event still waiting for delivery; 0 when nothing waits. */
  readonly oldestPendingAgeMs: number;
}

/** One subscriber's share of an outbox (for metrics and `npm run events -- stats`). */
export interface SubscriberStats {
  readonly subscriber: string;
  readonly pending: number;
  readonly dead: number;
  readonly oldestPendingAgeMs: number;
}

export class OutboxEntryNotFound extends NotFoundError {
  constructor(schema: string, id: string) {
    super(`Event in the ${schema} outbox`, id);
  }
}

export class DeliveryNotFound extends NotFoundError {
  constructor(schema: string, id: string, subscriber: string) {
    super(`Delivery to ${subscriber} of an event in the ${schema} outbox`, id);
  }
}

export class OutboxEntryInWrongState extends ApplicationError {
  readonly kind = 'conflict' as const;
  readonly title = 'Event is not in a state that allows this';
  constructor(id: string, status: OutboxStatus, action: string, allowed: readonly OutboxStatus[], subscriber?: string) {
    const what = subscriber ? `the delivery of event ${id} to ${subscriber}` : `event ${id}`;
    const which = subscriber ? 'deliveries' : 'events';
    super(`Cannot ${action} ${what}: it is ${status}; only ${allowed.join(' or ')} ${which} can be.`, { status });
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What an operator can see and do with one module's outbox: list what is waiting or dead with
 * each subscriber's last error, replay a dead (or discarded) delivery - of one subscriber or of
 * all - or discard one that must never be delivered. Replay resets the attempt count and wakes
 * the relays through NOTIFY; subscribers' inboxes make a replay harmless for one that already
 * handled the event.
 */
export class OutboxAdmin {
  private readonly table: string;
  private readonly deliveries: string;

  constructor(
    private readonly sql: SqlRunner,
    readonly schema: string,
  ) {
    this.table = `${quoteIdentifier(schema)}.outbox`;
    this.deliveries = deliveryTable(schema);
  }

  /**
   * Events whose status is one of `statuses`, oldest first; with `subscriber`, events whose
   * delivery to that subscriber has one of those statuses.
   */
  async list(statuses: readonly OutboxStatus[] = ['pending', 'dead'], limit = 100, subscriber?: string): Promise<OutboxEntry[]> {
    const picked = subscriber === undefined
      ? `SELECT seq FROM ${this.table} WHERE status = ANY($1::text[]) ORDER BY seq LIMIT $2`
      : `SELECT event_seq AS seq FROM ${this.deliveries} WHERE subscriber = $3 AND status = ANY($1::text[]) ORDER BY event_seq LIMIT $2`;
    const rows = await this.sql.query(
      `WITH picked AS (${picked})
       SELECT * FROM (${this.entriesWhere('o.seq IN (SELECT seq FROM picked)')}) e ORDER BY e.seq`,
      subscriber === undefined ? [statuses, limit] : [statuses, limit, subscriber],
    );
    return rows.map(toEntry);
  }

  async get(id: string): Promise<OutboxEntry> {
    if (!UUID.test(id)) throw new OutboxEntryNotFound(this.schema, id);
    const [row] = await this.sql.query(this.entriesWhere('o.id = $1'), [id]);
    if (!row) throw new OutboxEntryNotFound(this.schema, id);
    return toEntry(row);
  }

  /**
   * Puts a dead or discarded event back in line with a fresh set of attempts: every dead or
   * discarded delivery of it, or with `subscriber` only that subscriber's.
   */
  async replay(id: string, subscriber?: string): Promise<OutboxEntry> {
    return this.transition(id, 'replay', ['dead', 'discarded'], subscriber);
  }

  /** Replays every dead-lettered delivery of this outbox (of one subscriber, or all); returns how many events. */
  async replayAllDead(subscriber?: string): Promise<number> {
    const rows = await this.sql.query(
      `WITH whole AS (
         UPDATE ${this.table} SET status = 'pending', attempts = 0, next_attempt_at = now()
          WHERE status = 'dead' AND NOT fanned_out AND $2::text IS NULL RETURNING seq
       ), revived AS (
         UPDATE ${this.deliveries} SET status = 'pending', attempts = 0, next_attempt_at = now(), lease_owner = NULL
          WHERE status = 'dead' AND ($2::text IS NULL OR subscriber = $2) RETURNING event_seq
       ), reopened AS (
         UPDATE ${this.table} SET status = 'pending', delivered_at = NULL
          WHERE fanned_out AND status <> 'pending' AND seq IN (SELECT event_seq FROM revived) RETURNING seq
       )
       SELECT count(DISTINCT seq)::int AS replayed, pg_notify($1, '')
         FROM (SELECT seq FROM whole UNION ALL SELECT event_seq FROM revived) changed`,
      [outboxChannel(this.schema), subscriber ?? null],
    );
    return rows[0]?.replayed ?? 0;
  }

  /** Gives up on a pending or dead event (or one subscriber's delivery of it) for good; it stays listed as discarded. */
  async discard(id: string, subscriber?: string): Promise<OutboxEntry> {
    return this.transition(id, 'discard', ['pending', 'dead'], subscriber);
  }

  /**
   * Parks an event this module received from the broker and could not handle as a dead entry of
   * its own outbox, so operators list and replay it like any other dead letter; a replay delivers
   * it in-process to the module's handler (its inbox keeps that exactly-once). Parking the same
   * event twice keeps the first.
   */
  async park(event: EventEnvelope, handler: string, error: string, attempts: number): Promise<void> {
    await this.sql.query(
      `INSERT INTO ${this.table} (id, type, version, aggregate_id, correlation_id, causation_id, payload, occurred_at, status, attempts, last_error)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'dead', $9, $10)
       ON CONFLICT (id) DO NOTHING`,
      [event.id, event.type, event.version, event.aggregateId, event.correlationId, event.causationId, JSON.stringify(event.payload), event.occurredAt, attempts, `${handler} (from the broker): ${error}`.slice(0, 4000)],
    );
  }

  async stats(): Promise<OutboxStats> {
    const [row] = await this.sql.query(
      `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending,
              count(*) FILTER (WHERE status = 'dead')::int AS dead,
              COALESCE(EXTRACT(EPOCH FROM now() - min(occurred_at) FILTER (WHERE status = 'pending')) * 1000, 0)::float8 AS age
         FROM ${this.table} WHERE status IN ('pending', 'dead')`,
    );
    return { pending: row.pending, dead: row.dead, oldestPendingAgeMs: Math.max(0, Math.round(row.age)) };
  }

  /** Pending and dead deliveries per subscriber (subscribers with neither are not listed). */
  async subscriberStats(): Promise<SubscriberStats[]> {
    const rows = await this.sql.query(
      `SELECT subscriber,
              count(*) FILTER (WHERE status = 'pending')::int AS pending,
              count(*) FILTER (WHERE status = 'dead')::int AS dead,
              COALESCE(EXTRACT(EPOCH FROM now() - min(occurred_at) FILTER (WHERE status = 'pending')) * 1000, 0)::float8 AS age
         FROM ${this.deliveries} WHERE status IN ('pending', 'dead')
        GROUP BY subscriber ORDER BY subscriber`,
    );
    return rows.map((r) => ({ subscriber: r.subscriber, pending: r.pending, dead: r.dead, oldestPendingAgeMs: Math.max(0, Math.round(r.age)) }));
  }

  private async transition(id: string, action: 'replay' | 'discard', allowed: readonly OutboxStatus[], subscriber?: string): Promise<OutboxEntry> {
    const current = await this.get(id);
    const target = action === 'replay' ? 'pending' : 'discarded';
    const reset = action === 'replay' ? `, attempts = 0, next_attempt_at = now()` : '';
    if (subscriber !== undefined) {
      const delivery = current.deliveries.find((d) => d.subscriber === subscriber);
      if (!delivery) throw new DeliveryNotFound(this.schema, id, subscriber);
      if (!allowed.includes(delivery.status)) throw new OutboxEntryInWrongState(id, delivery.status, action, allowed, subscriber);
    }
    // Not fanned out yet (or dead/discarded before per-subscriber delivery existed): the event as a
    // whole; else its deliveries (all, or the named subscriber's), and a replay reopens the event.
    const [changed] = await this.sql.query(
      `WITH whole AS (
         UPDATE ${this.table} SET status = $4 ${reset}, delivered_at = CASE WHEN $4 = 'discarded' THEN now() END
          WHERE seq = $1 AND NOT fanned_out AND status = ANY($2::text[]) AND $3::text IS NULL RETURNING seq
       ), each AS (
         UPDATE ${this.deliveries} SET status = $4 ${reset}, lease_owner = NULL
          WHERE event_seq = $1 AND status = ANY($2::text[]) AND ($3::text IS NULL OR subscriber = $3) RETURNING event_seq
       ), reopened AS (
         UPDATE ${this.table} SET status = 'pending', delivered_at = NULL
          WHERE seq = $1 AND fanned_out AND $4 = 'pending' AND status <> 'pending' AND EXISTS (SELECT 1 FROM each) RETURNING seq
       )
       SELECT (SELECT count(*) FROM whole)::int + (SELECT count(*) FROM each)::int AS changed,
              (SELECT count(*) FROM reopened)::int AS reopened, pg_notify($5, '')`,
      [current.seq, allowed, subscriber ?? null, target, outboxChannel(this.schema)],
    );
    if (!changed || changed.changed === 0) throw new OutboxEntryInWrongState(id, current.status, action, allowed);
    if (action === 'discard') await settleEvents(this.sql, this.schema, [current.seq]);
    return this.get(id);
  }

  /** The event-level view of the outbox rows matching `where`, with their deliveries. */
  private entriesWhere(where: string): string {
    return `SELECT o.seq, o.id, o.type, o.version, o.aggregate_id, o.correlation_id, o.occurred_at, o.payload,
              o.status,
              CASE WHEN NOT o.fanned_out THEN o.attempts ELSE COALESCE(max(d.attempts), 0) END AS attempts,
              CASE WHEN NOT o.fanned_out THEN o.last_error ELSE string_agg(DISTINCT d.last_error, ' | ') END AS last_error,
              CASE WHEN NOT o.fanned_out THEN o.next_attempt_at
                   ELSE COALESCE(min(d.next_attempt_at) FILTER (WHERE d.status = 'pending'), o.next_attempt_at) END AS next_attempt_at,
              COALESCE(json_agg(json_build_object(
                'subscriber', d.subscriber, 'status', d.status, 'attempts', d.attempts, 'lastError', d.last_error,
                'nextAttemptAt', d.next_attempt_at, 'deliveredAt', d.delivered_at) ORDER BY d.subscriber)
                FILTER (WHERE d.subscriber IS NOT NULL), '[]') AS deliveries
         FROM ${this.table} o LEFT JOIN ${this.deliveries} d ON d.event_seq = o.seq
        WHERE ${where}
        GROUP BY o.seq`;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a raw outbox row, typed here
function toEntry(row: any): OutboxEntry {
  return {
    id: row.id,
    seq: Number(row.seq),
    type: row.type,
    version: row.version,
    aggregateId: row.aggregate_id,
    correlationId: row.correlation_id,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    occurredAt: new Date(row.occurred_at).toISOString(),
    nextAttemptAt: new Date(row.next_attempt_at).toISOString(),
    payload: row.payload,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- json_agg of delivery rows
    deliveries: (row.deliveries as any[]).map((d) => ({
      subscriber: d.subscriber,
      status: d.status,
      attempts: d.attempts,
      lastError: d.lastError,
      nextAttemptAt: new Date(d.nextAttemptAt).toISOString(),
      deliveredAt: d.deliveredAt ? new Date(d.deliveredAt).toISOString() : null,
    })),
  };
}
