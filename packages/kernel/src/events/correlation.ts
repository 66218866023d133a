import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * Who caused the work running now: an HTTP request (its request id) or an event being handled.
 * Events written to the outbox inherit it, so one correlation id follows a flow across modules.
 */
export interface Causation {
  readonly correlationId: string;
  readonly causationId: string | null;
}

const current = new AsyncLocalStorage<Causation>();

export function runWithCausation<T>(causation: Causation, work: () => T): T {
  return current.run(causation, work);
}

export function currentCausation(): Causation {
  return current.getStore() ?? { correlationId: randomUUID(), causationId: null };
}

/** The causation of the work running now, if it runs inside a request or an event delivery. */
export function causationInScope(): Causation | undefined {
  return current.getStore();
}
