import { AsyncResource } from 'node:async_hooks';
import type { DataSource, EntityManager } from 'typeorm';
import type { EventEnvelope } from '../events/event-envelope.js';
import { TransactionOutbox, type Outbox } from '../messaging/outbox.js';
import { quoteIdentifier } from '../messaging/messaging-tables.js';
import { OutboxSignal } from '../messaging/outbox-signal.js';
import { isRetryableTransactionError } from './transient-errors.js';

type IsolationLevel = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

/** One open transaction of one module: its entity manager and its outbox. */
export interface Transaction {
  readonly manager: EntityManager;
  readonly outbox: Outbox;
}

export interface TransactionOptions {
  readonly isolation?: IsolationLevel;
}

export interface UnitOfWorkOptions {
  /**
   * The pool event handlers' transactions (transactionOnce) run on, apart from the pool HTTP
   * requests use, so neither can starve the other. Defaults to the main DataSource.
   */
  readonly handlerDataSource?: DataSource;
  /** Wakes the relays after a commit that added events; defaults to one of this unit of work's own. */
  readonly signal?: OutboxSignal;
}

export interface TransactionOnceOptions {
  /**
   * May share one transaction with other events the same handler is given at the same moment (a
   * relay batch delivers its events at once): one inbox insert for all of them, their work one
   * after another, one commit. Only for work that touches nothing but the transaction (no e-mail
   * sent, no call out): if the shared transaction fails, it is rolled back whole and each event
   * runs again in a transaction of its own, so only the failing one fails.
   */
  readonly shareTransaction?: boolean;
}

interface WaitingOnce {
  readonly event: EventEnvelope;
  readonly work: (tx: Transaction) => Promise<void>;
  readonly resolve: (handled: boolean) => void;
  readonly reject: (error: unknown) => void;
}

const MAX_ATTEMPTS = 6;

/**
 * The unit of work of one module (Cosmic Python's UoW, over a TypeORM DataSource). Everything
 * done inside `transaction` commits together with the events added to the outbox, or not at
 * all. Serialization failures and deadlocks are retried a bounded number of times with jittered
 * backoff, so callers never see them; `work` must therefore touch nothing but the transaction.
 */
export class UnitOfWork {
  private readonly handlerDataSource: DataSource;
  readonly signal: OutboxSignal;
  /** Per handler, the events waiting to share a transaction (transactionOnce with shareTransaction). */
  private readonly waitingOnce = new Map<string, WaitingOnce[]>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
    options: UnitOfWorkOptions = {},
  ) {
    this.handlerDataSource = options.handlerDataSource ?? dataSource;
    this.signal = options.signal ?? new OutboxSignal(schema, this.handlerDataSource);
  }

  async transaction<T>(work: (tx: Transaction) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return this.transactionOn(this.dataSource, work, options);
  }

  private async transactionOn<T>(dataSource: DataSource, work: (tx: Transaction) => Promise<T>, options: TransactionOptions): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        let eventsWritten = 0;
        const run = async (manager: EntityManager) => {
          const outbox = new TransactionOutbox(this.schema);
          const result = await work({ manager, outbox });
          eventsWritten = await outbox.flush(manager);
          return result;
        };
        // READ COMMITTED is every module connection's default (createModuleDataSource pins it),
        // so only another level costs TypeORM's extra SET TRANSACTION round trip.
        const isolation = options.isolation ?? 'READ COMMITTED';
        const result = await (isolation === 'READ COMMITTED' ? dataSource.transaction(run) : dataSource.transaction(isolation, run));
        if (eventsWritten > 0) this.signal.committed();
        return result;
      } catch (error) {
        if (!isRetryableTransactionError(error) || attempt >= MAX_ATTEMPTS) throw error;
        await sleep(Math.random() * 10 * 2 ** attempt);
      }
    }
  }

  /**
   * Runs `work` for an event at most once per handler: the inbox row (event id, handler) is
   * written in the same transaction as the effect, so a redelivery finds it and does nothing.
   * Returns false when the event had already been handled. Runs on the handler pool; with
   * shareTransaction, in one transaction with the handler's other events of the same moment.
   */
  async transactionOnce(
    event: EventEnvelope,
    handler: string,
    work: (tx: Transaction) => Promise<void>,
    options: TransactionOnceOptions = {},
  ): Promise<boolean> {
    if (!options.shareTransaction) return this.transactionOnceAlone(event, handler, work);
    return new Promise<boolean>((resolve, reject) => {
      let group = this.waitingOnce.get(handler);
      if (!group) {
        group = [];
        this.waitingOnce.set(handler, group);
        // Every event a relay batch hands over in this turn of the event loop joins the group.
        setImmediate(() => void this.transactionOnceShared(handler));
      }
      // The work runs in its caller's context (the event's causation), not the group's.
      group.push({ event, work: AsyncResource.bind(work), resolve, reject });
    });
  }

  private transactionOnceAlone(event: EventEnvelope, handler: string, work: (tx: Transaction) => Promise<void>): Promise<boolean> {
    return this.transactionOn(this.handlerDataSource, async (tx) => {
      const inserted: unknown[] = await tx.manager.query(
        `INSERT INTO ${quoteIdentifier(this.schema)}.inbox (event_id, handler) VALUES ($1, $2)
         ON CONFLICT DO NOTHING RETURNING event_id`,
        [event.id, handler],
      );
      if (inserted.length === 0) return false;
      await work(tx);
      return true;
    }, {});
  }

  /** One transaction for a handler's waiting events; if it fails, each event in one of its own. */
  private async transactionOnceShared(handler: string): Promise<void> {
    const group = this.waitingOnce.get(handler) ?? [];
    this.waitingOnce.delete(handler);
    if (group.length === 1) {
      const [only] = group as [WaitingOnce];
      await this.transactionOnceAlone(only.event, handler, only.work).then(only.resolve, only.reject);
      return;
    }
    let handled: Set<WaitingOnce>;
    try {
      handled = await this.transactionOn(this.handlerDataSource, async (tx) => {
        const rows: { event_id: string }[] = await tx.manager.query(
          `INSERT INTO ${quoteIdentifier(this.schema)}.inbox (event_id, handler)
           SELECT DISTINCT unnest($1::uuid[]), $2 ON CONFLICT DO NOTHING RETURNING event_id`,
          [group.map((w) => w.event.id), handler],
        );
        const inserted = new Set(rows.map((r) => r.event_id.toLowerCase()));
        const ran = new Set<WaitingOnce>();
        for (const waiting of group) {
          // The same event twice in a group (a replay beside the relay): its work runs once.
          if (!inserted.delete(waiting.event.id.toLowerCase())) continue;
          ran.add(waiting);
          await waiting.work(tx);
        }
        return ran;
      }, {});
    } catch {
      // Nothing of the shared transaction committed: each event again, alone, with its own outcome.
      await Promise.all(group.map((w) => this.transactionOnceAlone(w.event, handler, w.work).then(w.resolve, w.reject)));
      return;
    }
    for (const waiting of group) waiting.resolve(handled.has(waiting));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
