import type { EventEnvelope } from '../events/event-envelope.js';
import type { EventSchema } from '../events/event-schema.js';
import type { EventHandler } from '../events/event-handler.js';
import { portToken } from '../ports/port-token.js';

/**
 * Where the relay hands events over. In-process by default; a broker adapter can implement the
 * same port when a module moves out of the monolith.
 */
export interface EventTransport {
  deliver(event: EventEnvelope): Promise<void>;
}

export const EVENT_TRANSPORT = portToken<EventTransport>('kernel.EventTransport');

/** A failure that retrying cannot fix (unknown version, payload that breaks its schema). */
export class UndeliverableEvent extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UndeliverableEvent';
  }
}

export interface Subscription {
  readonly schema: EventSchema<unknown>;
  readonly handler: EventHandler<unknown>;
}

/**
 * Delivers an event to every handler subscribed to its type, each handler checking the payload
 * against the schema version it subscribed to. Every subscriber's check runs before any handler
 * does: an event that one of them cannot understand (unknown version, payload that breaks the
 * schema) is undeliverable as a whole and reaches no handler, so it is never half-processed.
 * A handler that fails makes the whole delivery fail (the relay retries it); handlers that
 * already succeeded skip the retry through their inbox.
 */
export class InProcessEventTransport implements EventTransport {
  private readonly subscriptions: Subscription[] = [];

  subscribe<TPayload>(schema: EventSchema<TPayload>, handler: EventHandler<TPayload>): void {
    const duplicate = this.subscriptions.some(
      (s) => s.handler.name === handler.name && s.schema.type === schema.type && s.schema.version === schema.version,
    );
    if (duplicate) throw new Error(`Handler ${handler.name} is already subscribed to ${schema.type} v${schema.version}`);
    this.subscriptions.push({ schema, handler } as Subscription);
  }

  list(): readonly Subscription[] {
    return this.subscriptions;
  }

  async deliver(event: EventEnvelope): Promise<void> {
    const ofType = this.subscriptions.filter((s) => s.schema.type === event.type);
    const handlerNames = [...new Set(ofType.map((s) => s.handler.name))];
    const undeliverable: string[] = [];
    const ready: Subscription[] = [];
    for (const name of handlerNames) {
      const subscription = ofType.find((s) => s.handler.name === name && s.schema.version === event.version);
      if (!subscription) {
        const known = ofType.filter((s) => s.handler.name === name).map((s) => `v${s.schema.version}`);
        undeliverable.push(`${name} understands ${event.type} ${known.join(', ')}, not v${event.version}`);
        continue;
      }
      const problems = subscription.schema.problems(event.payload);
      if (problems.length > 0) {
        undeliverable.push(`${name} rejects the payload: ${problems.join('; ')}`);
        continue;
      }
      ready.push(subscription);
    }
    if (undeliverable.length > 0) throw new UndeliverableEvent(undeliverable.join(' | '));

    const failures: string[] = [];
    for (const subscription of ready) {
      try {
        await subscription.handler.handle(event);
      } catch (error) {
        failures.push(`${subscription.handler.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (failures.length > 0) throw new Error(failures.join(' | '));
  }
}
