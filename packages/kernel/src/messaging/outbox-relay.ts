import pg from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { EventEnvelope } from '../events/event-envelope.js';
import { runWithCausation } from '../events/correlation.js';
import { UndeliverableEvent, type EventTransport } from './event-transport.js';
import { outboxChannel, quoteIdentifier } from './messaging-tables.js';
import { maskPersonalData } from '../logging/personal-data.js';

export interface RelayOptions {
  /** Events claimed per transaction. */
  readonly batchSize: number;
  /** Attempts before an event is dead-lettered. */
  readonly maxAttempts: number;
  /** First retry delay; doubles per attempt up to backoffMaxMs. */
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** Poll interval when no NOTIFY arrives (a safety net; NOTIFY is the normal wake-up). */
  readonly idlePollMs: number;
}

export const DEFAULT_RELAY_OPTIONS: RelayOptions = {
  batchSize: 50,
  maxAttempts: 20, // with the backoff below: about 12 minutes of retries before a dead letter
  backoffBaseMs: 200,
  backoffMaxMs: 60_000,
  idlePollMs: 1_000,
};

/**
 * Told about every event the relay delivered, after the delivery is committed: the hook for
 * metrics (delivery latency) without the kernel knowing any metrics library.
 */
export interface RelayObserver {
  /** `outbox` is the schema whose outbox held the event. */
  delivered(event: EventEnvelope, delivery: { readonly outbox: string; readonly deliveredAt: Date }): void;
}

export const NO_RELAY_OBSERVER: RelayObserver = { delivered: () => undefined };

/** What is waiting in one outbox, for readiness and metrics. */
export interface OutboxBacklog {
  readonly pending: number;
  /** Age of the oldest pending event in milliseconds; 0 when nothing is pending. */
  readonly oldestPendingAgeMs: number;
}

export interface RelayLogger {
  warn(message: string): void;
  error(message: string): void;
}

interface OutboxRow {
  seq: string;
  id: string;
  type: string;
  version: number;
  aggregate_id: string;
  correlation_id: string;
  causation_id: string | null;
  payload: unknown;
  occurred_at: Date;
  attempts: number;
}

/**
 * Delivers one module's outbox to the event transport.
 *
 * - Several instances may run against one database: rows are claimed with FOR UPDATE SKIP LOCKED
 *   inside a transaction, so a row is delivered by one relay at a time, and a relay that dies
 *   mid-batch simply releases its rows (subscribers' inboxes absorb the redelivery).
 * - Per aggregate, only the oldest pending event is eligible, so events of one aggregate are
 *   delivered in order even while an earlier one is waiting for a retry.
 * - A failure is retried with exponential backoff; after maxAttempts, or at once when the event
 *   is undeliverable, the row is dead-lettered with its last error, for an operator to replay.
 * - Woken by LISTEN/NOTIFY when a transaction adds events; polls as a safety net.
 */
export class OutboxRelay {
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private wake: (() => void) | null = null;
  private wakeRequested = false;
  private listener: pg.Client | null = null;
  private listenFailing = false;
  private lastBatchError: string | null = null;
  private readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
    private readonly listenUrl: string,
    private readonly transport: EventTransport,
    private readonly options: RelayOptions,
    private readonly log: RelayLogger,
    private readonly observer: RelayObserver = NO_RELAY_OBSERVER,
  ) {
    this.table = `${quoteIdentifier(schema)}.outbox`;
  }

  get isRunning(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.listen();
    this.loopDone = this.loop();
  }

  /** Stops after the batch in flight; resolves once it is committed. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wakeUp();
    await this.loopDone;
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => undefined);
  }

  /** Delivers everything due now (tests and operators; the loop does this continuously). */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const delivered = await this.deliverDueBatch();
      total += delivered;
      if (delivered === 0) return total;
    }
  }

  /** Claims and delivers one batch of due events. Returns how many rows it handled. */
  async deliverDueBatch(): Promise<number> {
    const delivered: EventEnvelope[] = [];
    const handled = await this.dataSource.transaction(async (manager) => {
      const rows: OutboxRow[] = await manager.query(
        `SELECT seq, id, type, version, aggregate_id, correlation_id, causation_id, payload, occurred_at, attempts
           FROM ${this.table} o
          WHERE o.status = 'pending' AND o.next_attempt_at <= now()
            AND NOT EXISTS (SELECT 1 FROM ${this.table} earlier
                             WHERE earlier.aggregate_id = o.aggregate_id
                               AND earlier.status = 'pending' AND earlier.seq < o.seq)
          ORDER BY o.seq
          LIMIT $1
          FOR UPDATE SKIP LOCKED`,
        [this.options.batchSize],
      );
      // Each row is the head of a different aggregate, so they may be delivered concurrently.
      const envelopes = rows.map(toEnvelope);
      const outcomes = await Promise.allSettled(envelopes.map((event) => this.deliver(event)));
      for (const [i, outcome] of outcomes.entries()) {
        await this.recordOutcome(manager, rows[i]!, outcome);
        if (outcome.status === 'fulfilled') delivered.push(envelopes[i]!);
      }
      return rows.length;
    });
    const deliveredAt = new Date();
    for (const event of delivered) {
      try {
        this.observer.delivered(event, { outbox: this.schema, deliveredAt });
      } catch {
        // An observer (metrics) must never fail or repeat a delivery that is already committed.
      }
    }
    return handled;
  }

  /** How many events wait in this outbox and for how long. */
  async backlog(): Promise<OutboxBacklog> {
    // Only pending rows: served by the partial index outbox_due, however long the outbox grows.
    const [row]: { pending: number; oldest_ms: number | null }[] = await this.dataSource.query(
      `SELECT count(*)::int AS pending,
              (EXTRACT(EPOCH FROM (now() - min(occurred_at))) * 1000)::float8 AS oldest_ms
         FROM ${this.table}
        WHERE status = 'pending'`,
    );
    return { pending: row?.pending ?? 0, oldestPendingAgeMs: Math.max(0, row?.oldest_ms ?? 0) };
  }

  private deliver(event: EventEnvelope): Promise<void> {
    return runWithCausation({ correlationId: event.correlationId, causationId: event.id }, () =>
      this.transport.deliver(event),
    );
  }

  private async recordOutcome(manager: EntityManager, row: OutboxRow, outcome: PromiseSettledResult<void>): Promise<void> {
    if (outcome.status === 'fulfilled') {
      await manager.query(
        `UPDATE ${this.table} SET status = 'delivered', delivered_at = now(), attempts = attempts + 1, last_error = NULL
          WHERE seq = $1`,
        [row.seq],
      );
      return;
    }
    const error = outcome.reason;
    const attempts = row.attempts + 1;
    // Stored and logged: an SMTP error may quote the recipient's address.
    const message = maskPersonalData(error instanceof Error ? error.message : String(error));
    const dead = error instanceof UndeliverableEvent || attempts >= this.options.maxAttempts;
    const delayMs = Math.min(this.options.backoffMaxMs, this.options.backoffBaseMs * 2 ** (attempts - 1));
    await manager.query(
      `UPDATE ${this.table}
          SET attempts = $2, last_error = $3, status = $4,
              next_attempt_at = now() + ($5::double precision * interval '1 millisecond')
        WHERE seq = $1`,
      [row.seq, attempts, message.slice(0, 4000), dead ? 'dead' : 'pending', delayMs],
    );
    const what = `${row.type} v${row.version} ${row.id} (attempt ${attempts})`;
    if (dead) this.log.error(`dead-lettered ${what}: ${message}`);
    else this.log.warn(`delivery failed, retrying in ${delayMs} ms: ${what}: ${message}`);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let handled = 0;
      try {
        handled = await this.deliverDueBatch();
        this.lastBatchError = null;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        // Once per kind of failure, not once a second for as long as the database is down.
        if (message !== this.lastBatchError) this.log.error(`relay for ${this.schema} failed a batch: ${message}`);
        this.lastBatchError = message;
        await this.sleep(this.options.idlePollMs);
        continue;
      }
      if (handled >= this.options.batchSize || !this.running) continue;
      await this.sleep(await this.msUntilNextDue());
    }
  }

  private async msUntilNextDue(): Promise<number> {
    try {
      // Not GREATEST(0, ...) in SQL: GREATEST ignores NULL, so an empty outbox (min() is NULL)
      // would answer 0 and the relay would poll in a busy loop instead of sleeping.
      const [row]: { ms: number | null }[] = await this.dataSource.query(
        `SELECT (EXTRACT(EPOCH FROM (min(next_attempt_at) - now())) * 1000)::float8 AS ms
           FROM ${this.table} WHERE status = 'pending'`,
      );
      const ms = row?.ms;
      return ms === null || ms === undefined ? this.options.idlePollMs : Math.max(0, Math.min(ms, this.options.idlePollMs));
    } catch {
      return this.options.idlePollMs;
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.wakeRequested || !this.running) {
      this.wakeRequested = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        this.wakeRequested = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private wakeUp(): void {
    if (this.wake) this.wake();
    else this.wakeRequested = true;
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.listenUrl, application_name: `orderly-relay-${this.schema}` });
    client.on('notification', () => this.wakeUp());
    client.on('error', (error) => {
      this.log.warn(`relay listener for ${this.schema} lost its connection (${error.message}); polling until it is back`);
      this.listener = null;
      this.listenFailing = true;
      void client.end().catch(() => undefined);
      this.listenLater();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${outboxChannel(this.schema)}`);
      if (!this.running) {
        await client.end(); // stopped while connecting
        return;
      }
      this.listener = client;
      this.listenFailing = false;
    } catch (error) {
      // Said once per outage; the relay polls meanwhile and keeps trying to LISTEN again.
      if (!this.listenFailing) this.log.warn(`relay for ${this.schema} cannot LISTEN (${(error as Error).message}); polling until it can`);
      this.listenFailing = true;
      await client.end().catch(() => undefined);
      this.listenLater();
    }
  }

  private listenLater(): void {
    setTimeout(() => {
      if (this.running && !this.listener) void this.listen().catch(() => undefined);
    }, this.options.idlePollMs).unref();
  }
}

function toEnvelope(row: OutboxRow): EventEnvelope {
  return {
    id: row.id,
    type: row.type,
    version: row.version,
    occurredAt: new Date(row.occurred_at).toISOString(),
    aggregateId: row.aggregate_id,
    correlationId: row.correlation_id,
    causationId: row.causation_id,
    payload: row.payload,
  };
}
