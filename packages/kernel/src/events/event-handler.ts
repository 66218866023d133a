import type { EventEnvelope } from './event-envelope.js';

/**
 * A subscriber's reaction to one integration event. `name` is the inbox key: the subscriber's
 * unit of work records (event id, name) together with the handler's effect, so a redelivered
 * event changes nothing the second time. Renaming a handler makes old events look new to it.
 *
 * `handle` is declared as a property (not a method) so TypeScript checks it contravariantly
 * when apps/api binds a publisher's event schema to a subscriber's handler.
 */
export interface EventHandler<TPayload> {
  readonly name: string;
  readonly handle: (event: EventEnvelope<TPayload>) => Promise<void>;
}
