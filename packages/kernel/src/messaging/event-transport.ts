import type { EventEnvelope } from '../events/event-envelope.js';
import type { EventSchema } from '../events/event-schema.js';
import type { EventHandler } from '../events/event-handler.js';
import { portToken } from '../ports/port-token.js';

/**
 * Anything the relay delivers events to: a name (its inbox key, and the key of its own delivery
 * rows, attempts and dead letters) and a handle(event). An in-process handler is one; so is an
 * adapter that forwards events to a broker for a module running elsewhere.
 */
export type Subscriber = EventHandler<unknown>;

/** "Events of this type go to this subscriber": what the relay fans each event out to. */
export interface EventRoute {
  readonly type: string;
  readonly subscriber: string;
  /**
   * The module the subscriber belongs to. The subscribers of one consumer see the events of one
   * aggregate in order across them (the cancellation e-mail never before the confirmation), while
   * different consumers never wait for each other. consumerOf(subscriber) for in-process handlers.
   */
  readonly consumer: string;
}

/** A subscriber's consumer: its name up to the first dot (`notifications.SendOrderConfirmation` -> `notifications`). */
export function consumerOf(subscriber: string): string {
  const dot = subscriber.indexOf('.');
  return dot > 0 ? subscriber.slice(0, dot) : subscriber;
}

/**
 * Where the relay hands events over, one subscriber at a time. In-process by default; a broker
 * adapter joins as one more subscriber when a module moves out of the monolith.
 */
export interface EventTransport {
  /** Every (event type, subscriber) pair known to this process. */
  routes(): readonly EventRoute[];
  /**
   * Delivers one event to one subscriber. Throws UndeliverableEvent when retrying cannot help,
   * any other error when a retry might.
   */
  deliver(event: EventEnvelope, subscriber: string): Promise<void>;
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
 * Delivers events to the handlers subscribed to their type, each handler checking the payload
 * against the schema version it subscribed to. Every subscriber's check runs before any handler
 * does: an event that one of them cannot understand (unknown version, payload that breaks the
 * schema) is undeliverable to all of them and reaches no handler, so it is never half-processed.
 * Otherwise each subscriber is delivered to on its own: one that fails is retried alone.
 */
export class InProcessEventTransport implements EventTransport {
  private readonly subscriptions: Subscription[] = [];

  subscribe<TPayload>(schema: EventSchema<TPayload>, handler: EventHandler<TPayload>): void {
    const duplicate = this.subscriptions.some(
      (s) => s.handler.name === handler.name && s.schema.type === schema.type && s.schema.version === schema.version,
    );
    if (duplicate) throw new Error(`Handler ${handler.name} is already subscribed to ${schema.type} v${schema.version}`);
    const other = this.subscriptions.find((s) => s.handler.name === handler.name && s.handler !== handler);
    if (other) throw new Error(`Two different subscribers are named ${handler.name}; subscriber names must be unique`);
    this.subscriptions.push({ schema, handler } as Subscription);
  }

  list(): readonly Subscription[] {
    return this.subscriptions;
  }

  routes(): readonly EventRoute[] {
    const seen = new Set<string>();
    const routes: EventRoute[] = [];
    for (const { schema, handler } of this.subscriptions) {
      const key = `${schema.type}\u0000${handler.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      routes.push({ type: schema.type, subscriber: handler.name, consumer: consumerOf(handler.name) });
    }
    return routes;
  }

  async deliver(event: EventEnvelope, subscriber: string): Promise<void> {
    const ofType = this.subscriptions.filter((s) => s.schema.type === event.type);
    const handlerNames = [...new Set(ofType.map((s) => s.handler.name))];
    const undeliverable: string[] = [];
    let target: Subscription | undefined;
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
      if (name === subscriber) target = subscription;
    }
    if (undeliverable.length > 0) throw new UndeliverableEvent(undeliverable.join(' | '));
    if (!target) throw new UndeliverableEvent(`${subscriber} is not subscribed to ${event.type} in this process`);
    try {
      await target.handler.handle(event);
    } catch (error) {
      throw new Error(`${subscriber}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
}
