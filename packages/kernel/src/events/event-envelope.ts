/**
 * The envelope every integration event travels in, from the publisher's outbox to each
 * subscriber's inbox. `id` is what subscribers deduplicate on; `aggregateId` is what the relay
 * keeps in order; `correlationId` ties every event of one request together and `causationId`
 * names the event (or request) that caused this one.
 */
export interface EventEnvelope<TPayload = unknown> {
  readonly id: string;
  readonly type: string;
  readonly version: number;
  readonly occurredAt: string;
  readonly aggregateId: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly payload: TPayload;
}
