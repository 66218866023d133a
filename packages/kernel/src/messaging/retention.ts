import { deliveryTable, quoteIdentifier } from './messaging-tables.js';
import type { SqlRunner } from './sql-runner.js';
import { settleStragglers } from './settle.js';

export interface RetentionOptions {
  /** How long a fully delivered event stays in the outbox after its last delivery. */
  readonly outboxRetentionMs: number;
  /** How long an inbox entry is kept; at least the relay's redelivery horizon (see redeliveryHorizonMs). */
  readonly inboxRetentionMs: number;
  /** Rows removed per statement: small, so no sweep holds locks or I/O for long. */
  readonly batchSize: number;
  /** Time between sweeps. */
  readonly intervalMs: number;
}

const DAY_MS = 86_400_000;

export const DEFAULT_RETENTION_OPTIONS: RetentionOptions = {
  outboxRetentionMs: 7 * DAY_MS,
  inboxRetentionMs: 7 * DAY_MS,
  batchSize: 1_000,
  intervalMs: 60_000,
};

/**
 * Keeps one module's messaging tables bounded: removes events delivered to every subscriber (or
 * discarded) longer than outboxRetentionMs ago, with their delivery rows, and inbox entries older than
 * inboxRetentionMs. Never removes an event still pending for, or dead-lettered at, any
 * subscriber: dead letters stay until an operator replays or discards them. Each statement
 * removes at most batchSize rows and skips rows another transaction has locked, so a sweep
 * never waits for (or blocks) a relay.
 */
export class MessagingRetention {
  private readonly outbox: string;
  private readonly deliveries: string;
  private readonly inbox: string;

  constructor(
    private readonly sql: SqlRunner,
    private readonly schema: string,
    private readonly options: RetentionOptions,
  ) {
    this.outbox = `${quoteIdentifier(schema)}.outbox`;
    this.deliveries = deliveryTable(schema);
    this.inbox = `${quoteIdentifier(schema)}.inbox`;
  }

  /** One sweep of both tables, batch after batch until nothing old is left; returns what it removed. */
  async sweep(): Promise<{ outbox: number; inbox: number }> {
    await settleStragglers(this.sql, this.schema, this.options.batchSize);
    return { outbox: await this.untilDone(() => this.removeDeliveredEvents()), inbox: await this.untilDone(() => this.removeOldInboxEntries()) };
  }

  /** Removes one batch of events delivered to all their subscribers before the retention window. */
  async removeDeliveredEvents(): Promise<number> {
    const rows = await this.sql.query(
      `WITH doomed AS (
         SELECT o.seq FROM ${this.outbox} o
          WHERE o.status IN ('delivered', 'discarded')
            AND o.delivered_at < now() - ($1::double precision * interval '1 millisecond')
          ORDER BY o.delivered_at
          LIMIT $2
            FOR UPDATE SKIP LOCKED
       ), delivery_rows AS (
         DELETE FROM ${this.deliveries} d USING doomed WHERE d.event_seq = doomed.seq
       ), events AS (
         DELETE FROM ${this.outbox} o USING doomed WHERE o.seq = doomed.seq RETURNING o.seq
       )
       SELECT seq FROM events`,
      [this.options.outboxRetentionMs, this.options.batchSize],
    );
    return rows.length;
  }

  /** Removes one batch of inbox entries older than the inbox retention. */
  async removeOldInboxEntries(): Promise<number> {
    const rows = await this.sql.query(
      `WITH removed AS (
       DELETE FROM ${this.inbox} i USING (
         SELECT event_id, handler FROM ${this.inbox}
          WHERE processed_at < now() - ($1::double precision * interval '1 millisecond')
          ORDER BY processed_at
          LIMIT $2
            FOR UPDATE SKIP LOCKED
       ) old
       WHERE i.event_id = old.event_id AND i.handler = old.handler RETURNING i.event_id
       )
       SELECT event_id FROM removed`,
      [this.options.inboxRetentionMs, this.options.batchSize],
    );
    return rows.length;
  }

  private async untilDone(batch: () => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const removed = await batch();
      total += removed;
      if (removed < this.options.batchSize) return total;
    }
  }
}
