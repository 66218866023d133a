import { randomUUID } from 'node:crypto';
import { outboxChannel } from './messaging-tables.js';

/** Runs one statement; the signal uses it for the NOTIFY that tells other app instances. */
export interface NotifyRunner {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * How a committed transaction that added events wakes the relays, without a NOTIFY per
 * transaction (PostgreSQL serialises the commits of notifying transactions on a global lock):
 * - the relay of this process is woken in-process, at once;
 * - the relays of other processes get one NOTIFY, sent after the commit and outside any
 *   transaction, at most once per `notifyIntervalMs` however many transactions committed
 *   (the first one at once, later ones coalesced into one at the end of the interval).
 * The NOTIFY carries this signal's token, so this process's own relay ignores it. Relays also
 * poll, so a NOTIFY lost to a crash only delays delivery to other instances by one poll.
 */
export class OutboxSignal {
  readonly token = randomUUID();
  private readonly localListeners = new Set<() => void>();
  private notifyTimer: NodeJS.Timeout | null = null;
  private notifyOwed = false;
  private lastNotifyAt = 0;
  private closed = false;
  notifiesSent = 0;

  constructor(
    private readonly schema: string,
    private readonly runner: NotifyRunner,
    private readonly notifyIntervalMs = 50,
  ) {}

  /** A transaction that added events to this outbox committed. */
  committed(): void {
    for (const listener of this.localListeners) listener();
    this.notifyOthers();
  }

  /** Called for every local commit; returns the function that stops listening. */
  onLocalCommit(listener: () => void): () => void {
    this.localListeners.add(listener);
    return () => this.localListeners.delete(listener);
  }

  /** Whether a NOTIFY payload came from this signal (so the local relay was already woken). */
  isOwn(payload: string | undefined): boolean {
    return payload === this.token;
  }

  /** Stops sending; a NOTIFY still owed is dropped (relays poll). */
  close(): void {
    this.closed = true;
    if (this.notifyTimer) clearTimeout(this.notifyTimer);
    this.notifyTimer = null;
  }

  private notifyOthers(): void {
    if (this.closed) return;
    if (this.notifyTimer) {
      this.notifyOwed = true;
      return;
    }
    const wait = this.lastNotifyAt + this.notifyIntervalMs - Date.now();
    if (wait <= 0) {
      this.send();
      this.notifyTimer = setTimeout(() => this.endOfInterval(), this.notifyIntervalMs);
    } else {
      this.notifyOwed = true;
      this.notifyTimer = setTimeout(() => this.endOfInterval(), wait);
    }
    this.notifyTimer.unref();
  }

  private endOfInterval(): void {
    this.notifyTimer = null;
    if (!this.notifyOwed || this.closed) return;
    this.notifyOwed = false;
    this.send();
    this.notifyTimer = setTimeout(() => this.endOfInterval(), this.notifyIntervalMs);
    this.notifyTimer.unref();
  }

  private send(): void {
    this.lastNotifyAt = Date.now();
    this.notifiesSent++;
    // A wake-up only: if it fails (pool closing, database restarting), polling covers it.
    void this.runner.query(`SELECT pg_notify($1, $2)`, [outboxChannel(this.schema), this.token]).catch(() => undefined);
  }
}
