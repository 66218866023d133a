import type { PortToken } from '../ports/port-token.js';
import { portToken } from '../ports/port-token.js';
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

/**
 * A module's declaration, in its contracts, of one of its event handlers: the handler's name
 * (its inbox key), the event type and version it listens to, and the DI token the module provides
 * it under. The handler class stays internal; apps/api delivers the publisher's event to it with
 * subscribe(schema, declaration), where TypeScript checks that the publisher's payload carries
 * what the handler declares (TPayload) and subscribe() checks type and version.
 */
export interface HandlerDeclaration<TPayload> {
  readonly name: string;
  readonly listensTo: { readonly type: string; readonly version: number };
  readonly token: PortToken<EventHandler<TPayload>>;
}

export function declareHandler<TPayload>(name: string, listensTo: { readonly type: string; readonly version: number }): HandlerDeclaration<TPayload> {
  return { name, listensTo: { type: listensTo.type, version: listensTo.version }, token: portToken<EventHandler<TPayload>>(`handler:${name}`) };
}
