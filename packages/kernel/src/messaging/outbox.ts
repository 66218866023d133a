import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '../events/event-envelope.js';
import { assertConforms, type EventSchema } from '../events/event-schema.js';
import { currentCausation } from '../events/correlation.js';
import { currentTraceparent } from '../events/trace-context.js';
import { quoteIdentifier } from './messaging-tables.js';

export interface NewEvent<TPayload> {
  readonly aggregateId: string;
  readonly payload: TPayload;
}

/** What application code sees of the outbox: add events; they commit with the transaction. */
export interface Outbox {
  add<TPayload>(schema: EventSchema<TPayload>, event: NewEvent<TPayload>): EventEnvelope<TPayload>;
}

/**
 * Collects the events of one transaction and writes them just before it commits. The payload is
 * checked against its schema here, at publication, so an invalid event never leaves the module.
 * The unit of work wakes the relays once the transaction has committed (OutboxSignal).
 */
export class TransactionOutbox implements Outbox {
  private readonly pending: EventEnvelope[] = [];
  /** The traceparent of the work that added each pending event (null with tracing off). */
  private readonly traceparents: (string | null)[] = [];

  constructor(private readonly schema: string) {}

  add<TPayload>(schema: EventSchema<TPayload>, event: NewEvent<TPayload>): EventEnvelope<TPayload> {
    assertConforms(schema, event.payload);
    const causation = currentCausation();
    const envelope: EventEnvelope<TPayload> = {
      id: randomUUID(),
      type: schema.type,
      version: schema.version,
      occurredAt: new Date().toISOString(),
      aggregateId: event.aggregateId,
      correlationId: causation.correlationId,
      causationId: causation.causationId,
      payload: event.payload,
    };
    this.pending.push(envelope);
    this.traceparents.push(currentTraceparent());
    return envelope;
  }

  /** Writes the collected events; returns how many. */
  async flush(manager: EntityManager): Promise<number> {
    if (this.pending.length === 0) return 0;
    const columns = 9;
    const values: unknown[] = [];
    const rows = this.pending.map((e, i) => {
      values.push(e.id, e.type, e.version, e.aggregateId, e.correlationId, e.causationId, JSON.stringify(e.payload), e.occurredAt, this.traceparents[i]);
      const p = Array.from({ length: columns }, (_, c) => `$${i * columns + c + 1}`);
      return `(${p.join(', ')})`;
    });
    await manager.query(
      `INSERT INTO ${quoteIdentifier(this.schema)}.outbox
         (id, type, version, aggregate_id, correlation_id, causation_id, payload, occurred_at, traceparent)
       VALUES ${rows.join(', ')}`,
      values,
    );
    const written = this.pending.length;
    this.pending.length = 0;
    this.traceparents.length = 0;
    return written;
  }
}
