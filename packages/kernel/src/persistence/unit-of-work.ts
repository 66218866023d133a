import type { DataSource, EntityManager } from 'typeorm';
import type { EventEnvelope } from '../events/event-envelope.js';
import { TransactionOutbox, type Outbox } from '../messaging/outbox.js';
import { quoteIdentifier } from '../messaging/messaging-tables.js';
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

const MAX_ATTEMPTS = 6;

/**
 * The unit of work of one module (Cosmic Python's UoW, over a TypeORM DataSource). Everything
 * done inside `transaction` commits together with the events added to the outbox, or not at
 * all. Serialization failures and deadlocks are retried a bounded number of times with jittered
 * backoff, so callers never see them; `work` must therefore touch nothing but the transaction.
 */
export class UnitOfWork {
  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
  ) {}

  async transaction<T>(work: (tx: Transaction) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        const run = async (manager: EntityManager) => {
          const outbox = new TransactionOutbox(this.schema);
          const result = await work({ manager, outbox });
          await outbox.flush(manager);
          return result;
        };
        // READ COMMITTED is every module connection's default (createModuleDataSource pins it),
        // so only another level costs TypeORM's extra SET TRANSACTION round trip.
        const isolation = options.isolation ?? 'READ COMMITTED';
        return await (isolation === 'READ COMMITTED' ? this.dataSource.transaction(run) : this.dataSource.transaction(isolation, run));
      } catch (error) {
        if (!isRetryableTransactionError(error) || attempt >= MAX_ATTEMPTS) throw error;
        await sleep(Math.random() * 10 * 2 ** attempt);
      }
    }
  }

  /**
   * Runs `work` for an event at most once per handler: the inbox row (event id, handler) is
   * written in the same transaction as the effect, so a redelivery finds it and does nothing.
   * Returns false when the event had already been handled.
   */
  async transactionOnce(
    event: EventEnvelope,
    handler: string,
    work: (tx: Transaction) => Promise<void>,
  ): Promise<boolean> {
    return this.transaction(async (tx) => {
      const inserted: unknown[] = await tx.manager.query(
        `INSERT INTO ${quoteIdentifier(this.schema)}.inbox (event_id, handler) VALUES ($1, $2)
         ON CONFLICT DO NOTHING RETURNING event_id`,
        [event.id, handler],
      );
      if (inserted.length === 0) return false;
      await work(tx);
      return true;
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
