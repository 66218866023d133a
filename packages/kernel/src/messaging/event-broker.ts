import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { currentTraceparent } from '../events/trace-context.js';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { EventEnvelope } from '../events/event-envelope.js';
import type { EventHandler } from '../events/event-handler.js';
import { EVENT_SUBJECT_PREFIX, EVENTS_STREAM, eventSubject } from './event-subjects.js';

const NANOS_PER_MS = 1_000_000;

/** How long JetStream remembers a Nats-Msg-Id: a re-publish after a crash within it is dropped. */
export const DUPLICATE_WINDOW_MS = 10 * 60_000;

/** A connection to the NATS JetStream server of EVENTS_BROKER_URL, with the events stream in place. */
export interface EventBroker {
  readonly connection: NatsConnection;
  readonly jetstream: JetStreamClient;
  readonly manager: JetStreamManager;
  close(): Promise<void>;
}

/**
 * Connects (retrying until the server answers: the broker may start after the app) and makes
 * sure the stream of integration events exists. The client reconnects by itself for ever after;
 * while the broker is away, publishing fails and the relay retries, consuming waits.
 */
export async function connectEventBroker(servers: string, name: string): Promise<EventBroker> {
  const connection = await connect({
    servers: servers.split(',').map((s) => s.trim()),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: true,
  });
  const manager = await jetstreamManager(connection);
  const config = {
    name: EVENTS_STREAM,
    subjects: [`${EVENT_SUBJECT_PREFIX}.>`],
    duplicate_window: DUPLICATE_WINDOW_MS * NANOS_PER_MS,
  };
  try {
    await manager.streams.info(EVENTS_STREAM);
  } catch {
    // Two processes starting at once may both add it: adding an identical stream again succeeds.
    await manager.streams.add(config);
  }
  return { connection, jetstream: jetstream(connection), manager, close: () => connection.drain() };
}

/** The broker message headers of an event: its id (deduplication) and, with tracing on, W3C trace context. */
export const EVENT_ID_HEADER = 'Nats-Msg-Id';
export const TRACEPARENT_HEADER = 'traceparent';

/**
 * Forwards events to JetStream: the relay's subscriber for every module that runs elsewhere.
 * Resolves only once JetStream has acknowledged (stored) the message, so the relay marks an event
 * delivered only when the broker has it; the event id is the Nats-Msg-Id, so a re-publish after a
 * crash between the ack and the relay's commit is recognised as a duplicate and stored once.
 */
export class JetStreamEventPublisher implements EventHandler<unknown> {
  readonly name = 'broker.JetStreamPublisher';

  constructor(
    private readonly broker: EventBroker,
    private readonly extraHeaders: (event: EventEnvelope) => Record<string, string> = () => ({}),
  ) {}

  readonly handle = async (event: EventEnvelope): Promise<void> => {
    const h = headers();
    for (const [key, value] of Object.entries(this.extraHeaders(event))) h.set(key, value);
    // The relay delivers in a span continuing the trace that added the event: the consumer continues it.
    const traceparent = currentTraceparent();
    if (traceparent) h.set(TRACEPARENT_HEADER, traceparent);
    await this.broker.jetstream.publish(eventSubject(event.type, event.aggregateId), JSON.stringify(event), {
      msgID: event.id,
      headers: h,
      timeout: 5_000,
    });
  };
}
