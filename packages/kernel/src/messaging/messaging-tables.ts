import type { QueryRunner } from 'typeorm';

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

export async function dropMessagingTables(queryRunner: QueryRunner, schema: string): Promise<void> {
  const s = quoteIdentifier(schema);
  await queryRunner.query(`DROP TABLE ${s}.inbox`);
  await queryRunner.query(`DROP TABLE ${s}.outbox`);
}

export function quoteIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Refusing unsafe SQL identifier: ${name}`);
  return `"${name}"`;
}

export function outboxChannel(schema: string): string {
  return `orderly_outbox_${schema}`;
}
