import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import type { EventEnvelope } from '../events/event-envelope.js';
import { runWithCausation } from '../events/correlation.js';
import { deliverInTrace, rememberTraceparent, SpanKind, traceparentOf } from '../events/trace-context.js';
import { UndeliverableEvent, type EventTransport } from './event-transport.js';
import { deliveryTable, outboxChannel, pendingByKey, quoteIdentifier } from './messaging-tables.js';
import { OutboxAdmin } from './outbox-admin.js';
import type { OutboxSignal } from './outbox-signal.js';
import { settleEvents, settleStragglers } from './settle.js';
import { maskPersonalData } from '../logging/personal-data.js';

export interface RelayOptions {
  /** Deliveries one subscriber's batch claims at once. */
  readonly batchSize: number;
  /** Attempts (per subscriber) before a delivery is dead-lettered. */
  readonly maxAttempts: number;
  /** First retry delay; doubles per attempt up to backoffMaxMs. */
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** Poll interval when nothing wakes the relay (a safety net; commits and NOTIFY wake it). */
  readonly idlePollMs: number;
  /**
   * How long a claimed batch belongs to the relay that claimed it. A relay that dies lets it
   * lapse and another claims the rows again. Longer than the slowest handler should take.
   */
  readonly leaseMs: number;
  /** Batches of one subscriber delivered at the same time (the relay's bounded concurrency). */
  readonly batchesInFlight: number;
  /** Events fanned out to their subscribers' delivery rows per statement. */
  readonly fanOutBatchSize: number;
}

export const DEFAULT_RELAY_OPTIONS: RelayOptions = {
  batchSize: 50,
  maxAttempts: 20, // with the backoff below: about 12 minutes of retries before a dead letter
  backoffBaseMs: 200,
  backoffMaxMs: 60_000,
  idlePollMs: 1_000,
  leaseMs: 15_000, // beyond the SMTP transport's 10 s timeout; a crashed relay's batch waits this long
  batchesInFlight: 2,
  fanOutBatchSize: 500,
};

/**
 * The longest time from a delivery's first attempt to its last possible redelivery: all retries
 * with their backoff, plus a lease that lapses. An inbox must keep its entries at least this long.
 */
export function redeliveryHorizonMs(options: RelayOptions): number {
  let total = options.leaseMs;
  for (let attempt = 1; attempt < options.maxAttempts; attempt++) total += backoffMs(options, attempt) + options.leaseMs;
  return total;
}

function backoffMs(options: RelayOptions, attempt: number): number {
  return Math.min(options.backoffMaxMs, options.backoffBaseMs * 2 ** Math.min(attempt - 1, 30));
}

/**
 * Told about every delivery the relay completed, after the completion is committed: the hook for
 * metrics (delivery latency) without the kernel knowing any metrics library.
 */
export interface RelayObserver {
  /** `outbox` is the schema whose outbox held the event; `subscriber` the one it reached. */
  delivered(event: EventEnvelope, delivery: { readonly outbox: string; readonly subscriber: string; readonly deliveredAt: Date }): void;
}

export const NO_RELAY_OBSERVER: RelayObserver = { delivered: () => undefined };

/** What is waiting in one outbox, for readiness and metrics. */
export interface OutboxBacklog {
  /** Events not yet delivered to every subscriber. */
  readonly pending: number;
  /** Age of the oldest pending event in milliseconds; 0 when nothing is pending. */
  readonly oldestPendingAgeMs: number;
}

export interface RelayLogger {
  warn(message: string): void;
  error(message: string): void;
}

interface ClaimedRow {
  event_seq: string;
  attempts: number;
  id: string;
  type: string;
  version: number;
  aggregate_id: string;
  correlation_id: string;
  causation_id: string | null;
  payload: unknown;
  occurred_at: Date;
  traceparent: string | null;
}

/** A batch of one subscriber's deliveries, claimed under one lease. */
interface Lease {
  readonly subscriber: string;
  readonly owner: string;
  readonly rows: readonly ClaimedRow[];
}

/**
 * Delivers one module's outbox, each subscriber on its own.
 *
 * - Fan-out: each new outbox row gets one delivery row per subscriber of its type (one statement,
 *   oldest first, one relay at a time through an advisory lock so an aggregate's events are fanned
 *   out in order). Each subscriber then has its own attempts, backoff, lease and dead letter: one
 *   that fails or is slow delays and repeats nothing for the others.
 * - Claim with a lease: one short statement marks a batch of one subscriber's due deliveries with
 *   an owner token and pushes their due time to the lease's expiry; no transaction stays open
 *   while the batch is delivered. A relay that dies lets the lease lapse and the rows are due
 *   again. Completion is one statement per batch and only touches rows whose owner is still the
 *   batch's token (fencing): a relay whose lease was taken over completes nothing.
 * - Per aggregate and consumer (the module a subscriber belongs to), only the oldest pending
 *   delivery is claimable, so each subscriber - and each module across its subscribers - sees an
 *   aggregate's events in order, across relays and app instances. Other modules never wait.
 * - Several batches per subscriber in flight at once (bounded by batchesInFlight).
 * - Woken in-process by local commits (OutboxSignal), by NOTIFY from other instances, and by a
 *   poll as a safety net.
 */
/** How long fan-out must keep failing before the relay reports it (OutboxRelay.failure). */
export const RELAY_FAILING_AFTER_MS = 15_000;

export class OutboxRelay {
  private running = false;
  private fanOutDone: Promise<void> = Promise.resolve();
  private readonly fanOutSleeper = new Sleeper();
  private readonly lanes = new Map<string, SubscriberLane>();
  private listener: pg.Client | null = null;
  private listenFailing = false;
  private lastFanOutError: string | null = null;
  private fanOutFailingSince: number | null = null;
  private lastLaneProbeAt = 0;
  private stopListeningLocally: (() => void) | null = null;
  private readonly outboxTable: string;
  private readonly deliveryTable: string;
  private readonly admin: OutboxAdmin;

  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
    private readonly listenUrl: string,
    private readonly transport: EventTransport,
    private readonly options: RelayOptions,
    private readonly log: RelayLogger,
    private readonly observer: RelayObserver = NO_RELAY_OBSERVER,
    private readonly signal: OutboxSignal | null = null,
  ) {
    this.outboxTable = `${quoteIdentifier(schema)}.outbox`;
    this.deliveryTable = deliveryTable(schema);
    this.admin = new OutboxAdmin(dataSource, schema);
  }

  get isRunning(): boolean {
    return this.running;
  }

  /**
   * Why this relay cannot fan out events, once that has lasted RELAY_FAILING_AFTER_MS (a failure
   * that stays, such as a missing table, not one failed poll); null while it works. Readiness
   * reports it: a relay that runs but delivers nothing is not ready.
   */
  get failure(): string | null {
    if (this.lastFanOutError === null || this.fanOutFailingSince === null) return null;
    return Date.now() - this.fanOutFailingSince >= RELAY_FAILING_AFTER_MS ? this.lastFanOutError : null;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.stopListeningLocally = this.signal?.onLocalCommit(() => this.wakeUp()) ?? null;
    await this.listen();
    // A relay that died between completing a batch and settling its events left them pending.
    await settleStragglers(this.dataSource, this.schema, 10 * this.options.fanOutBatchSize).catch((error: unknown) => {
      this.log.warn(`relay for ${this.schema} could not settle events left behind: ${error instanceof Error ? error.message : error}`);
    });
    this.fanOutDone = this.fanOutLoop();
  }

  /** Stops claiming; resolves once every batch in flight is completed. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopListeningLocally?.();
    this.fanOutSleeper.wake();
    for (const lane of this.lanes.values()) lane.sleeper.wake();
    await this.fanOutDone;
    await Promise.all([...this.lanes.values()].map((lane) => lane.done));
    this.lanes.clear();
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => undefined);
  }

  /** Delivers everything due now (tests and operators; the loops do this continuously). */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const delivered = await this.deliverDueBatch();
      total += delivered;
      if (delivered === 0) return total;
    }
  }

  /**
   * Fans out every new event, then claims and delivers one batch per subscriber, all subscribers
   * at once. Returns how many deliveries it handled.
   */
  async deliverDueBatch(): Promise<number> {
    while ((await this.fanOut()).length >= this.options.fanOutBatchSize);
    const handled = await Promise.all(
      this.subscribers().map(async (subscriber) => {
        const lease = await this.claim(subscriber);
        if (lease.rows.length > 0) await this.deliverBatch(lease);
        return lease.rows.length;
      }),
    );
    return handled.reduce((a, b) => a + b, 0);
  }

  /**
   * Creates the delivery rows of events not yet fanned out, oldest first; returns the types of
   * the events it fanned out. An event no subscriber wants is delivered at once. An event not
   * due yet (next_attempt_at, set by hand or by the relay before per-subscriber delivery) waits,
   * and so do the later events of its aggregate. Only one relay
   * fans out at a time (the others find the advisory lock taken and skip), so the delivery rows
   * of one aggregate appear in the order of its events.
   */
  async fanOut(): Promise<string[]> {
    const routes = this.transport.routes();
    const rows: { type: string }[] = await this.dataSource.query(
      fanOutStatement(this.schema),
      [`orderly_fan_out_${this.schema}`, this.options.fanOutBatchSize, routes.map((r) => r.type), routes.map((r) => r.subscriber), routes.map((r) => r.consumer)],
    );
    const types = new Set(rows.map((r) => r.type));
    if (this.running) this.startLanes(routes.filter((r) => types.has(r.type)).map((r) => r.subscriber));
    return rows.map((r) => r.type);
  }

  /** How many events wait in this outbox and for how long. */
  async backlog(): Promise<OutboxBacklog> {
    const { pending, oldestPendingAgeMs } = await this.admin.stats();
    return { pending, oldestPendingAgeMs };
  }

  private subscribers(): string[] {
    return [...new Set(this.transport.routes().map((r) => r.subscriber))];
  }

  private consumerOf(subscriber: string): string {
    return this.transport.routes().find((r) => r.subscriber === subscriber)?.consumer ?? subscriber;
  }

  /**
   * Claims up to batchSize of one subscriber's due deliveries under a fresh lease, each the
   * oldest pending delivery of its aggregate for this subscriber's consumer (its module). One statement, no transaction
   * left open; the attempt is counted here, so a relay that dies mid-delivery uses one up.
   */
  private async claim(subscriber: string): Promise<Lease> {
    const owner = randomUUID();
    const rows: ClaimedRow[] = await this.dataSource.query(
      claimStatement(this.schema),
      [subscriber, this.options.batchSize, owner, this.options.leaseMs],
    );
    return { subscriber, owner, rows };
  }

  /** Delivers a claimed batch, completes it and settles its events. */
  private async deliverBatch(lease: Lease): Promise<void> {
    const { settle } = await this.deliverAndComplete(lease);
    await settle();
  }

  /**
   * Delivers a claimed batch (its rows are of different aggregates, so all at once) and completes
   * it. Returns whether a delivery is to be retried, and the rest of the batch's bookkeeping - the
   * events' settlement, the logs, the observer - which need not hold the lane's slot: the
   * completion is what lets the next events of these aggregates be claimed.
   */
  private async deliverAndComplete(lease: Lease): Promise<{ retries: boolean; settle: () => Promise<void> }> {
    const events = lease.rows.map(toEnvelope);
    const outcomes = await Promise.allSettled(events.map((event) => this.deliver(event, lease.subscriber)));
    const seqs: string[] = [];
    const statuses: string[] = [];
    const errors: (string | null)[] = [];
    const delays: number[] = [];
    const failures: { seq: string; dead: boolean; text: string }[] = [];
    for (const [i, outcome] of outcomes.entries()) {
      const row = lease.rows[i]!;
      seqs.push(row.event_seq);
      if (outcome.status === 'fulfilled') {
        statuses.push('delivered');
        errors.push(null);
        delays.push(0);
        continue;
      }
      const error = outcome.reason;
      // Stored and logged: an SMTP error may quote the recipient's address.
      const message = maskPersonalData(error instanceof Error ? error.message : String(error));
      const dead = error instanceof UndeliverableEvent || row.attempts >= this.options.maxAttempts;
      const delayMs = backoffMs(this.options, row.attempts);
      statuses.push(dead ? 'dead' : 'pending');
      errors.push(message.slice(0, 4000));
      delays.push(delayMs);
      const what = `${row.type} v${row.version} ${row.id} to ${lease.subscriber} (attempt ${row.attempts})`;
      failures.push({ seq: row.event_seq, dead, text: dead ? `dead-lettered ${what}: ${message}` : `delivery failed, retrying in ${delayMs} ms: ${what}: ${message}` });
    }
    const completed = await this.complete(lease, seqs, statuses, errors, delays);
    const retries = seqs.some((seq, i) => statuses[i] === 'pending' && completed.has(seq));
    return { retries, settle: () => this.settleBatch(lease, events, seqs, statuses, completed, failures) };
  }

  /** After a batch's completion: settles its events, logs its failures, tells the observer. */
  private async settleBatch(
    lease: Lease,
    events: readonly EventEnvelope[],
    seqs: readonly string[],
    statuses: readonly string[],
    completed: ReadonlySet<string>,
    failures: readonly { seq: string; dead: boolean; text: string }[],
  ): Promise<void> {
    const final = seqs.filter((seq, i) => statuses[i] !== 'pending' && completed.has(seq));
    await settleEvents(this.dataSource, this.schema, final).catch((error: unknown) => {
      // The retention sweep settles what is left behind; the deliveries themselves are recorded.
      this.log.warn(`relay for ${this.schema} could not settle ${final.length} events: ${error instanceof Error ? error.message : error}`);
    });
    for (const failure of failures) {
      if (!completed.has(failure.seq)) continue;
      if (failure.dead) this.log.error(failure.text);
      else this.log.warn(failure.text);
    }
    const lost = lease.rows.length - completed.size;
    if (lost > 0) {
      this.log.warn(`relay for ${this.schema} lost the lease on ${lost} of ${lease.rows.length} deliveries to ${lease.subscriber}; their new owner completes them`);
    }
    const deliveredAt = new Date();
    for (const [i, event] of events.entries()) {
      if (statuses[i] !== 'delivered' || !completed.has(seqs[i]!)) continue;
      try {
        this.observer.delivered(event, { outbox: this.schema, subscriber: lease.subscriber, deliveredAt });
      } catch {
        // An observer (metrics) must never fail or repeat a delivery that is already committed.
      }
    }
  }

  /** Records a batch's outcomes in one statement, only where the lease is still this batch's. */
  private async complete(lease: Lease, seqs: string[], statuses: string[], errors: (string | null)[], delays: number[]): Promise<Set<string>> {
    const rows: { event_seq: string }[] = await this.dataSource.query(
      completeStatement(this.schema),
      [lease.subscriber, seqs, statuses, errors, delays, lease.owner],
    );
    return new Set(rows.map((r) => String(r.event_seq)));
  }

  private deliver(event: EventEnvelope, subscriber: string): Promise<void> {
    return runWithCausation({ correlationId: event.correlationId, causationId: event.id }, () =>
      deliverInTrace(event, subscriber, traceparentOf(event), SpanKind.INTERNAL, () => this.transport.deliver(event, subscriber)),
    );
  }

  private async fanOutLoop(): Promise<void> {
    while (this.running) {
      let fanned = 0;
      try {
        await this.startLanesWithWork();
        fanned = (await this.fanOut()).length;
        this.lastFanOutError = null;
        this.fanOutFailingSince = null;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.fanOutFailingSince ??= Date.now();
        // Once per kind of failure, not once a second for as long as the database is down.
        if (message !== this.lastFanOutError) this.log.error(`relay for ${this.schema} failed to fan out events: ${message}`);
        this.lastFanOutError = message;
      }
      if (fanned >= this.options.fanOutBatchSize || !this.running) continue;
      await this.fanOutSleeper.sleep(this.options.idlePollMs);
    }
  }

  /**
   * Lanes exist only for subscribers this outbox has deliveries for (a module publishes few
   * event types): those its fan-out just served, and those with pending rows another relay
   * fanned out (one index probe per subscriber without a lane).
   */
  private async startLanesWithWork(): Promise<void> {
    // Not on every local wake-up (this relay's own fan-out starts its lanes): once per poll interval.
    if (Date.now() - this.lastLaneProbeAt < this.options.idlePollMs) return;
    const candidates = this.subscribers().filter((s) => !this.lanes.has(s));
    if (candidates.length === 0) return;
    this.lastLaneProbeAt = Date.now();
    const rows: { subscriber: string }[] = await this.dataSource.query(
      `SELECT s.subscriber FROM unnest($1::text[]) AS s(subscriber)
        WHERE EXISTS (SELECT 1 FROM ${this.deliveryTable} d WHERE d.subscriber = s.subscriber AND d.status = 'pending')`,
      [candidates],
    );
    this.startLanes(rows.map((r) => r.subscriber));
  }

  /** Wakes the lanes of these subscribers, starting the ones that do not exist yet. */
  private startLanes(subscribers: readonly string[]): void {
    for (const subscriber of subscribers) {
      const existing = this.lanes.get(subscriber);
      if (existing) {
        existing.sleeper.wake();
        continue;
      }
      const lane = new SubscriberLane(subscriber, this.consumerOf(subscriber));
      this.lanes.set(subscriber, lane);
      lane.done = this.laneLoop(lane);
    }
  }

  /**
   * One subscriber's deliveries: keeps up to batchesInFlight batches going while any is due. A
   * batch holds its slot until it is completed; its settlement runs after, outside the slot.
   */
  private async laneLoop(lane: SubscriberLane): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    const settling = new Set<Promise<void>>();
    while (this.running) {
      if (inFlight.size >= this.options.batchesInFlight) {
        await lane.sleeper.sleep(this.options.idlePollMs);
        continue;
      }
      let lease: Lease;
      try {
        lease = await this.claim(lane.subscriber);
        lane.lastError = null;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (message !== lane.lastError) this.log.error(`relay for ${this.schema} failed to claim deliveries to ${lane.subscriber}: ${message}`);
        lane.lastError = message;
        await lane.sleeper.sleep(this.options.idlePollMs);
        continue;
      }
      if (lease.rows.length === 0) {
        // A batch still in flight wakes the lane when it completes (later events of its aggregates may be due then).
        await lane.sleeper.sleep(inFlight.size > 0 ? this.options.idlePollMs : await this.idleSleepMs(lane));
        continue;
      }
      const failed = (error: unknown) => {
        this.log.error(`relay for ${this.schema} failed a batch to ${lane.subscriber}: ${error instanceof Error ? error.message : error}`);
      };
      const batch: Promise<void> = this.deliverAndComplete(lease)
        .then(({ retries, settle }) => {
          if (retries) lane.retriesScheduled = true;
          const settled: Promise<void> = settle()
            .catch(failed)
            .finally(() => settling.delete(settled));
          settling.add(settled);
        }, failed)
        .finally(() => {
          inFlight.delete(batch);
          // Later events of these aggregates may be claimable now, for this lane and for the
          // other subscribers of its consumer.
          for (const other of this.lanes.values()) if (other.consumer === lane.consumer) other.sleeper.wake();
        });
      inFlight.add(batch);
      // Fewer than batchSize: the claim took every delivery claimable now. Claiming again before
      // something changes (a fan-out, a completion, NOTIFY, the poll - each wakes the lane) would
      // find nothing; at moderate load, when batches hold an event or two, that was an empty
      // claim per batch.
      if (lease.rows.length < this.options.batchSize && this.running) await lane.sleeper.sleep(this.options.idlePollMs);
    }
    await Promise.all(inFlight);
    await Promise.all(settling);
  }

  /**
   * How long an idle lane sleeps: until the next retry it knows of is due, at most idlePollMs.
   * Only a lane that scheduled a retry (or was told of other relays' work by NOTIFY, or has just
   * started) asks the database when that is; otherwise it sleeps the poll interval, which is what
   * the question answers when nothing is due later - one statement less per idle moment.
   */
  private async idleSleepMs(lane: SubscriberLane): Promise<number> {
    if (!lane.retriesScheduled) return this.options.idlePollMs;
    const ms = await this.msUntilNextDue(lane.subscriber);
    if (ms === null) lane.retriesScheduled = false;
    return ms ?? this.options.idlePollMs;
  }

  /** Milliseconds until this subscriber's next delivery due later (at most idlePollMs), null when there is none. */
  private async msUntilNextDue(subscriber: string): Promise<number | null> {
    try {
      // Not GREATEST(0, ...) in SQL: GREATEST ignores NULL, so an empty outbox (min() is NULL)
      // would answer 0 and the relay would poll in a busy loop instead of sleeping. Only rows due
      // later: one due now that the claim just left is waiting for an earlier event of its
      // aggregate (whose completion wakes this lane, or whose retry is due later and counted here).
      const [row]: { ms: number | null }[] = await this.dataSource.query(
        `SELECT (EXTRACT(EPOCH FROM (min(next_attempt_at) - now())) * 1000)::float8 AS ms
           FROM ${this.deliveryTable} WHERE subscriber = $1 AND status = 'pending' AND next_attempt_at > now()`,
        [subscriber],
      );
      const ms = row?.ms;
      return ms === null || ms === undefined ? null : Math.max(0, Math.min(ms, this.options.idlePollMs));
    } catch {
      return this.options.idlePollMs;
    }
  }

  /** Something was committed to the outbox: fan it out (which wakes the subscribers concerned). */
  private wakeUp(): void {
    this.fanOutSleeper.wake();
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.listenUrl, application_name: `orderly-relay-${this.schema}` });
    client.on('notification', (message) => {
      if (this.signal?.isOwn(message.payload)) return;
      this.wakeUp();
      // A NOTIFY may also come from an operator's replay or another instance (whose retries this
      // relay may take over): every subscriber may have work, now or later.
      for (const lane of this.lanes.values()) {
        lane.retriesScheduled = true;
        lane.sleeper.wake();
      }
    });
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

/**
 * The claim ($1 subscriber, $2 batch size, $3 owner token, $4 lease in ms): served by the
 * partial index outbox_delivery_due (due order) and one probe per candidate of the full index
 * outbox_delivery_by_aggregate (per-aggregate order within the subscriber's consumer), so its cost
 * follows the batch size, not the backlog or the history, whatever the statistics say
 * (test/integration/claim-plan.test.ts); the probe says pending with pendingByKey.
 */
export function claimStatement(schema: string): string {
  const outbox = `${quoteIdentifier(schema)}.outbox`;
  const deliveries = deliveryTable(schema);
  return `WITH claimed AS (
         SELECT d.event_seq FROM ${deliveries} d
          WHERE d.subscriber = $1 AND d.status = 'pending' AND d.next_attempt_at <= now()
            AND NOT EXISTS (SELECT 1 FROM ${deliveries} earlier
                             WHERE earlier.consumer = d.consumer AND earlier.aggregate_id = d.aggregate_id
                               AND ${pendingByKey('earlier.status')} AND earlier.event_seq < d.event_seq)
          ORDER BY d.next_attempt_at, d.event_seq
          LIMIT $2
            FOR UPDATE SKIP LOCKED
       ), leased AS (
       UPDATE ${deliveries} d
          SET lease_owner = $3, attempts = d.attempts + 1,
              next_attempt_at = now() + ($4::double precision * interval '1 millisecond')
         FROM claimed, ${outbox} o
        WHERE d.subscriber = $1 AND d.event_seq = claimed.event_seq AND o.seq = d.event_seq
       RETURNING d.event_seq, d.attempts, o.id, o.type, o.version, o.aggregate_id, o.correlation_id, o.causation_id,
                 o.payload, o.occurred_at, o.traceparent
       )
       SELECT * FROM leased ORDER BY event_seq`;
}

/**
 * The completion of a batch ($1 subscriber, $2 event seqs, $3 statuses, $4 errors, $5 retry delays
 * in ms, $6 the batch's owner token): one primary-key probe per delivery, only where the lease is
 * still the batch's.
 */
export function completeStatement(schema: string): string {
  return `WITH completed AS (
       UPDATE ${deliveryTable(schema)} d
          SET status = x.status,
              last_error = x.error,
              delivered_at = CASE WHEN x.status = 'delivered' THEN now() END,
              next_attempt_at = CASE WHEN x.status = 'pending'
                                     THEN now() + (x.delay_ms * interval '1 millisecond') ELSE d.next_attempt_at END,
              lease_owner = NULL
         FROM unnest($2::bigint[], $3::text[], $4::text[], $5::double precision[]) AS x(event_seq, status, error, delay_ms)
        WHERE d.subscriber = $1 AND d.event_seq = x.event_seq AND d.lease_owner = $6 AND ${pendingByKey('d.status')}
       RETURNING d.event_seq
       )
       SELECT event_seq FROM completed`;
}

/** The fan-out ($1 advisory lock name, $2 batch size, $3 event types, $4 subscribers, $5 their consumers: the routes). */
export function fanOutStatement(schema: string): string {
  const outbox = `${quoteIdentifier(schema)}.outbox`;
  const deliveries = deliveryTable(schema);
  return `WITH lock AS (SELECT pg_try_advisory_xact_lock(hashtext($1)) AS held),
            fresh AS (
              SELECT o.seq, o.type, o.aggregate_id, o.occurred_at
                FROM ${outbox} o, lock
               WHERE lock.held AND o.status = 'pending' AND NOT o.fanned_out AND o.next_attempt_at <= now()
                 AND NOT EXISTS (SELECT 1 FROM ${outbox} earlier
                                  WHERE earlier.aggregate_id = o.aggregate_id AND ${pendingByKey('earlier.status')}
                                    AND NOT earlier.fanned_out AND earlier.seq < o.seq)
               ORDER BY o.seq
               LIMIT $2
                 FOR UPDATE OF o
            ),
            routes AS (SELECT * FROM unnest($3::text[], $4::text[], $5::text[]) AS r(type, subscriber, consumer)),
            fanned AS (
              INSERT INTO ${deliveries} (event_seq, subscriber, consumer, aggregate_id, occurred_at)
              SELECT f.seq, r.subscriber, r.consumer, f.aggregate_id, f.occurred_at FROM fresh f JOIN routes r ON r.type = f.type
              ON CONFLICT DO NOTHING
            ),
            marked AS (
       UPDATE ${outbox} o
          SET fanned_out = true,
              status = CASE WHEN EXISTS (SELECT 1 FROM routes r WHERE r.type = o.type) THEN 'pending' ELSE 'delivered' END,
              delivered_at = CASE WHEN EXISTS (SELECT 1 FROM routes r WHERE r.type = o.type) THEN NULL ELSE now() END
         FROM fresh
        WHERE o.seq = fresh.seq
       RETURNING o.type
            )
       SELECT type FROM marked`;
}

class SubscriberLane {
  readonly sleeper = new Sleeper();
  done: Promise<void> = Promise.resolve();
  /** The last claim failure, logged once per kind (not once a second while the database is down). */
  lastError: string | null = null;
  /**
   * Whether deliveries of this subscriber may be due later (a retry's backoff, another relay's
   * lease): the idle lane then asks when. True at start (a previous run's retries) and after a
   * completion that scheduled a retry or a NOTIFY; false once the database says none is.
   */
  retriesScheduled = true;
  constructor(
    readonly subscriber: string,
    readonly consumer: string,
  ) {}
}

/** A sleep that a wake-up ends early; a wake-up while awake makes the next sleep return at once. */
class Sleeper {
  private wakeCurrent: (() => void) | null = null;
  private wakeRequested = false;

  sleep(ms: number): Promise<void> {
    if (this.wakeRequested) {
      this.wakeRequested = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeCurrent = null;
        this.wakeRequested = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeCurrent = done;
    });
  }

  wake(): void {
    if (this.wakeCurrent) this.wakeCurrent();
    else this.wakeRequested = true;
  }
}

function toEnvelope(row: ClaimedRow): EventEnvelope {
  const event: EventEnvelope = {
    id: row.id,
    type: row.type,
    version: row.version,
    occurredAt: new Date(row.occurred_at).toISOString(),
    aggregateId: row.aggregate_id,
    correlationId: row.correlation_id,
    causationId: row.causation_id,
    payload: row.payload,
  };
  rememberTraceparent(event, row.traceparent);
  return event;
}
