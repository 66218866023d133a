import type { QueryRunner } from 'typeorm';
import { equalsOnFullIndex } from '../persistence/equals-on-full-index.js';

/**
 * The outbox and inbox every module keeps in its own schema. Modules call this from their first
 * migration, so the tables are created as the module's role and live beside its data: the
 * outbox row commits with the state change that caused it, the inbox row with the effect of
 * handling an event.
 */
export async function createMessagingTables(queryRunner: QueryRunner, schema: string): Promise<void> {
  const s = quoteIdentifier(schema);
  await queryRunner.query(`
    CREATE TABLE ${s}.outbox (
      seq             bigserial PRIMARY KEY,
      id              uuid NOT NULL UNIQUE,
      type            text NOT NULL,
      version         integer NOT NULL,
      aggregate_id    text NOT NULL,
      correlation_id  text NOT NULL,
      causation_id    text,
      payload         jsonb NOT NULL,
      occurred_at     timestamptz NOT NULL,
      status          text NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'delivered', 'dead', 'discarded')),
      attempts        integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      last_error      text,
      delivered_at    timestamptz
    )`);
  await queryRunner.query(`CREATE INDEX outbox_due ON ${s}.outbox (next_attempt_at, seq) WHERE status = 'pending'`);
  await queryRunner.query(
    `CREATE INDEX outbox_pending_by_aggregate ON ${s}.outbox (aggregate_id, seq) WHERE status = 'pending'`,
  );
  await queryRunner.query(`
    CREATE TABLE ${s}.inbox (
      event_id     uuid NOT NULL,
      handler      text NOT NULL,
      processed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (event_id, handler)
    )`);
}

/**
 * Second version of the messaging tables (issue 15): one delivery row per (event, subscriber), so
 * each subscriber has its own attempts, backoff, lease and dead letter; indexes that serve the
 * relay's claim and the retention sweep whatever the size of the history. Modules call it from a
 * migration of their own after createMessagingTables; existing data is carried over: events still
 * pending are fanned out to today's subscribers (their inboxes absorb what was already handled),
 * delivered and dead events keep their status at the event level.
 */
export async function addSubscriberDeliveries(queryRunner: QueryRunner, schema: string): Promise<void> {
  const s = quoteIdentifier(schema);
  // outbox.status keeps its meaning for the event as a whole (pending until every subscriber has
  // it); fanned_out says its outbox_delivery rows exist, and those say where each subscriber is.
  await queryRunner.query(`ALTER TABLE ${s}.outbox ADD COLUMN fanned_out boolean NOT NULL DEFAULT false`);
  await queryRunner.query(`CREATE INDEX outbox_unfanned ON ${s}.outbox (seq) WHERE status = 'pending' AND NOT fanned_out`);
  // Retention removes the events settled longest ago (delivered_at: when the last subscriber got it).
  await queryRunner.query(`CREATE INDEX outbox_settled ON ${s}.outbox (delivered_at) WHERE status IN ('delivered', 'discarded')`);
  await queryRunner.query(`
    CREATE TABLE ${s}.outbox_delivery (
      event_seq       bigint NOT NULL,
      subscriber      text NOT NULL,
      consumer        text NOT NULL,
      aggregate_id    text NOT NULL,
      occurred_at     timestamptz NOT NULL,
      status          text NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'delivered', 'dead', 'discarded')),
      attempts        integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      lease_owner     uuid,
      last_error      text,
      delivered_at    timestamptz,
      PRIMARY KEY (event_seq, subscriber)
    )`);
  // The claim: one subscriber's due rows in due order (a leased row is due again when its lease lapses).
  await queryRunner.query(
    `CREATE INDEX outbox_delivery_due ON ${s}.outbox_delivery (subscriber, next_attempt_at, event_seq) WHERE status = 'pending'`,
  );
  // Per-aggregate order: is an earlier delivery of this aggregate still pending for this consumer
  // (the module the subscriber belongs to: its subscribers see an aggregate's events in order)?
  await queryRunner.query(
    `CREATE INDEX outbox_delivery_head ON ${s}.outbox_delivery (consumer, aggregate_id, event_seq) WHERE status = 'pending'`,
  );
  await queryRunner.query(`CREATE INDEX outbox_delivery_dead ON ${s}.outbox_delivery (subscriber, event_seq) WHERE status = 'dead'`);
  // Inbox retention removes the oldest entries first.
  await queryRunner.query(`CREATE INDEX inbox_by_age ON ${s}.inbox (processed_at)`);
}

export async function removeSubscriberDeliveries(queryRunner: QueryRunner, schema: string): Promise<void> {
  const s = quoteIdentifier(schema);
  await queryRunner.query(`DROP INDEX ${s}.inbox_by_age`);
  await queryRunner.query(`DROP TABLE ${s}.outbox_delivery`);
  await queryRunner.query(`DROP INDEX ${s}.outbox_settled`);
  await queryRunner.query(`ALTER TABLE ${s}.outbox DROP COLUMN fanned_out`);
}

export async function dropMessagingTables(queryRunner: QueryRunner, schema: string): Promise<void> {
  const s = quoteIdentifier(schema);
  await queryRunner.query(`DROP TABLE ${s}.inbox`);
  await queryRunner.query(`DROP TABLE ${s}.outbox`);
}

/**
 * Third version of the messaging tables (issue 16): the W3C `traceparent` of the work that added an
 * event, stored with its outbox row so the relay (and, over a broker, the consuming process)
 * continues that trace. Null when tracing is off. Modules call it from a migration of their own.
 */
export async function addOutboxTraceparent(queryRunner: QueryRunner, schema: string): Promise<void> {
  await queryRunner.query(`ALTER TABLE ${quoteIdentifier(schema)}.outbox ADD COLUMN traceparent text`);
}

export async function removeOutboxTraceparent(queryRunner: QueryRunner, schema: string): Promise<void> {
  await queryRunner.query(`ALTER TABLE ${quoteIdentifier(schema)}.outbox DROP COLUMN traceparent`);
}

/**
 * Fourth version of the messaging tables (issue 17): the per-aggregate order checks - is an earlier
 * event of this aggregate still waiting to be fanned out, is an earlier delivery of it still
 * pending for this consumer - probe full indexes instead of partial ones.
 *
 * A partial index `WHERE status = 'pending'` looks empty to PostgreSQL's planner once the
 * statistics were taken while nothing was pending (the usual state of a large history with a relay
 * that keeps up): reading all of it then costs, in its estimate, the same as one probe by
 * aggregate, and it prefers the plan without the probe's parameters. Under a backlog every
 * candidate row read the whole pending index again: a claim of 50 cost 50 times the backlog, and a
 * backlog took quadratic time to drain (docs/performance.md, issue 17). A full index's size is
 * never mistaken, so the probe is always the cheapest plan; the checks spell the status so that no
 * partial index qualifies for them (pendingByKey, test/integration/claim-plan.test.ts). With the
 * status in the key, a probe reads only the aggregate's pending rows, never its history. The
 * partial indexes they replace had no other reader and are dropped.
 */
export async function addAggregateOrderIndexes(queryRunner: QueryRunner, schema: string): Promise<void> {
  const s = quoteIdentifier(schema);
  await queryRunner.query(`CREATE INDEX outbox_by_aggregate ON ${s}.outbox (aggregate_id, status, seq)`);
  await queryRunner.query(`DROP INDEX ${s}.outbox_pending_by_aggregate`);
  await queryRunner.query(`CREATE INDEX outbox_delivery_by_aggregate ON ${s}.outbox_delivery (consumer, aggregate_id, status, event_seq)`);
  await queryRunner.query(`DROP INDEX ${s}.outbox_delivery_head`);
}

export async function removeAggregateOrderIndexes(queryRunner: QueryRunner, schema: string): Promise<void> {
  const s = quoteIdentifier(schema);
  await queryRunner.query(
    `CREATE INDEX outbox_delivery_head ON ${s}.outbox_delivery (consumer, aggregate_id, event_seq) WHERE status = 'pending'`,
  );
  await queryRunner.query(`DROP INDEX ${s}.outbox_delivery_by_aggregate`);
  await queryRunner.query(`CREATE INDEX outbox_pending_by_aggregate ON ${s}.outbox (aggregate_id, seq) WHERE status = 'pending'`);
  await queryRunner.query(`DROP INDEX ${s}.outbox_by_aggregate`);
}

/**
 * The messaging tables a module's schema has had, oldest first. Append-only: a shipped version
 * never changes, because migrations that ran it must keep doing exactly what they did. When the
 * tables change, add a version here (and a migration calling its step in every existing module).
 */
const MESSAGING_VERSIONS = [
  { up: createMessagingTables, down: dropMessagingTables },
  { up: addSubscriberDeliveries, down: removeSubscriberDeliveries },
  { up: addOutboxTraceparent, down: removeOutboxTraceparent },
  { up: addAggregateOrderIndexes, down: removeAggregateOrderIndexes },
] as const;

/**
 * A version of the messaging tables: 1 is createMessagingTables, 2 adds addSubscriberDeliveries, 3
 * addOutboxTraceparent, 4 addAggregateOrderIndexes.
 */
export type MessagingVersion = 1 | 2 | 3 | 4;

/**
 * The newest version. `npm run new-module` reads it from this file and writes it, as a literal,
 * into the new module's first migration; migrations never pass this constant itself, or an old
 * migration would start doing something new when a version is added. What is not a shipped
 * migration may follow it: the benchmark's relay module is built at the newest version so it
 * measures the tables the modules have.
 */
export const LATEST_MESSAGING_VERSION: MessagingVersion = 4;

/**
 * Creates the messaging tables of `schema` as they were at `version` (every step up to it), for a
 * new module's first migration: `createMessagingSchema(queryRunner, 'gift_cards', 4)`.
 */
export async function createMessagingSchema(queryRunner: QueryRunner, schema: string, version: MessagingVersion): Promise<void> {
  for (const step of stepsThrough(version)) await step.up(queryRunner, schema);
}

/** Undoes createMessagingSchema with the same version. */
export async function dropMessagingSchema(queryRunner: QueryRunner, schema: string, version: MessagingVersion): Promise<void> {
  for (const step of stepsThrough(version).reverse()) await step.down(queryRunner, schema);
}

function stepsThrough(version: MessagingVersion): { up: typeof createMessagingTables; down: typeof dropMessagingTables }[] {
  if (!Number.isInteger(version) || version < 1 || version > MESSAGING_VERSIONS.length) {
    throw new Error(`Unknown messaging tables version ${version} (1 to ${MESSAGING_VERSIONS.length})`);
  }
  return MESSAGING_VERSIONS.slice(0, version);
}

export function quoteIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Refusing unsafe SQL identifier: ${name}`);
  return `"${name}"`;
}

export function outboxChannel(schema: string): string {
  return `orderly_outbox_${schema}`;
}

/** The name of a module's delivery table, quoted. */
export function deliveryTable(schema: string): string {
  return `${quoteIdentifier(schema)}.outbox_delivery`;
}

/**
 * "`column` is pending", for a statement that finds rows by key or by aggregate (the relay's
 * per-aggregate order checks, its completion, the straggler search): never served by a partial
 * index of pending rows (equalsOnFullIndex says why; addAggregateOrderIndexes).
 */
export function pendingByKey(column: string): string {
  return equalsOnFullIndex(column, "'pending'");
}
