import { ApplicationError, NotFoundError } from '../errors/application-error.js';
import type { EventEnvelope } from '../events/event-envelope.js';
import { outboxChannel, quoteIdentifier } from './messaging-tables.js';

/** Anything that runs SQL and returns rows: a TypeORM DataSource, or a pg client wrapped in one line. */
export interface SqlRunner {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows of raw SQL are untyped; toEntry() gives them a type
  query(sql: string, parameters?: unknown[]): Promise<any[]>;
}

/** pending: waiting for (re)delivery; dead: gave up, needs an operator; discarded: an operator dropped it. */
export type OutboxStatus = 'pending' | 'delivered' | 'dead' | 'discarded';

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
}

export interface OutboxStats {
  readonly pending: number;
  readonly dead: number;
  /** Age of the oldest event still waiting for delivery; 0 when nothing waits. */
  readonly oldestPendingAgeMs: number;
}

export class OutboxEntryNotFound extends NotFoundError {
  constructor(schema: string, id: string) {
    super(`Event in the ${schema} outbox`, id);
  }
}

export class OutboxEntryInWrongState extends ApplicationError {
  readonly kind = 'conflict' as const;
  readonly title = 'Event is not in a state that allows this';
  constructor(id: string, status: OutboxStatus, action: string, allowed: readonly OutboxStatus[]) {
    super(`Cannot ${action} event ${id}: it is ${status}; only ${allowed.join(' or ')} events can be.`, { status });
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What an operator can see and do with one module's outbox: list what is waiting or dead with
 * its last error, replay a dead (or discarded) event, or discard one that must never be
 * delivered. Replay resets the attempt count and wakes the relays through NOTIFY; subscribers'
 * inboxes make a replay of an event some of them already handled harmless.
 */
export class OutboxAdmin {
  private readonly table: string;

  constructor(
    private readonly sql: SqlRunner,
    readonly schema: string,
  ) {
    this.table = `${quoteIdentifier(schema)}.outbox`;
  }

  async list(statuses: readonly OutboxStatus[] = ['pending', 'dead'], limit = 100): Promise<OutboxEntry[]> {
    const rows = await this.sql.query(
      `SELECT ${COLUMNS} FROM ${this.table} WHERE status = ANY($1::text[]) ORDER BY seq LIMIT $2`,
      [statuses, limit],
    );
    return rows.map(toEntry);
  }

  async get(id: string): Promise<OutboxEntry> {
    if (!UUID.test(id)) throw new OutboxEntryNotFound(this.schema, id);
    const [row] = await this.sql.query(`SELECT ${COLUMNS} FROM ${this.table} WHERE id = $1`, [id]);
    if (!row) throw new OutboxEntryNotFound(this.schema, id);
    return toEntry(row);
  }

  /** Puts a dead or discarded event back in line, with a fresh set of attempts. */
  async replay(id: string): Promise<OutboxEntry> {
    return this.transition(id, 'replay', ['dead', 'discarded'],
      `status = 'pending', attempts = 0, next_attempt_at = now()`);
  }

  /** Replays every dead-lettered event of this outbox (after an outage longer than the retries). */
  async replayAllDead(): Promise<number> {
    const rows = await this.sql.query(
      `WITH changed AS (
         UPDATE ${this.table} SET status = 'pending', attempts = 0, next_attempt_at = now() WHERE status = 'dead' RETURNING seq
       )
       SELECT count(*)::int AS replayed, pg_notify($1, '') FROM changed`,
      [outboxChannel(this.schema)],
    );
    return rows[0]?.replayed ?? 0;
  }

  /** Gives up on a pending or dead event for good; it stays in the table, visible, as discarded. */
  async discard(id: string): Promise<OutboxEntry> {
    return this.transition(id, 'discard', ['pending', 'dead'], `status = 'discarded'`);
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

  private async transition(id: string, action: string, allowed: readonly OutboxStatus[], set: string): Promise<OutboxEntry> {
    const current = await this.get(id);
    const rows = await this.sql.query(
      `WITH changed AS (
         UPDATE ${this.table} SET ${set} WHERE id = $1 AND status = ANY($2::text[]) RETURNING ${COLUMNS}
       )
       SELECT changed.*, pg_notify($3, '') FROM changed`,
      [id, allowed, outboxChannel(this.schema)],
    );
    if (rows.length === 0) throw new OutboxEntryInWrongState(id, current.status, action, allowed);
    return toEntry(rows[0]);
  }
}

const COLUMNS = `seq, id, type, version, aggregate_id, correlation_id, status, attempts, last_error, occurred_at, next_attempt_at, payload`;

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
  };
}
