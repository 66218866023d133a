/**
 * How integration events are laid out on NATS JetStream (docs/adr/0014). One stream holds every
 * event; each is published on `orderly.events.<partition>.<type>`, e.g.
 * `orderly.events.3.orders.OrderPlaced`: a subject per event type (others subscribe with
 * `orderly.events.*.orders.OrderPlaced`) within a partition chosen by the aggregate id, so all
 * events of one aggregate share one partition and a consumer that takes one message at a time
 * per partition sees them in the order they were published.
 */
export const EVENTS_STREAM = 'ORDERLY_EVENTS';
export const EVENT_SUBJECT_PREFIX = 'orderly.events';
/** Changing it re-partitions aggregates: only with every consumer drained. */
export const EVENT_PARTITIONS = 8;

export function eventSubject(type: string, aggregateId: string): string {
  return `${EVENT_SUBJECT_PREFIX}.${partitionOf(aggregateId)}.${type}`;
}

/** Every event of one partition, for the consumers of that partition. */
export function partitionSubjects(partition: number): string {
  return `${EVENT_SUBJECT_PREFIX}.${partition}.>`;
}

/** FNV-1a of the aggregate id: stable across processes, languages and restarts. */
export function partitionOf(aggregateId: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(aggregateId, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % EVENT_PARTITIONS;
}
