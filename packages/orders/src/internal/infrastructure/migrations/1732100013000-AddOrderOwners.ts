import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Orders belong to a subject (a token's `sub`, docs/adr/0011). Orders placed before identity
 * existed keep customer_id NULL: no customer owns them, only staff read them. Idempotency keys
 * become per subject: the same key from two subjects is two requests.
 */
export class AddOrderOwners1732100013000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE orders.orders ADD COLUMN customer_id text`);
    await queryRunner.query(`ALTER TABLE orders.order_summaries ADD COLUMN customer_id text`);
    await queryRunner.query(
      `CREATE INDEX order_summaries_by_owner ON orders.order_summaries (customer_id, placed_at DESC, order_id DESC) WHERE customer_id IS NOT NULL`,
    );
    // Keys stored before this migration belonged to no subject; they expire as they would have.
    await queryRunner.query(`ALTER TABLE orders.idempotency_keys ADD COLUMN customer_id text NOT NULL DEFAULT ''`);
    await queryRunner.query(`ALTER TABLE orders.idempotency_keys ALTER COLUMN customer_id DROP DEFAULT`);
    await queryRunner.query(`ALTER TABLE orders.idempotency_keys DROP CONSTRAINT idempotency_keys_pkey`);
    await queryRunner.query(`ALTER TABLE orders.idempotency_keys ADD PRIMARY KEY (customer_id, key)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM orders.idempotency_keys WHERE key IN (SELECT key FROM orders.idempotency_keys GROUP BY key HAVING count(*) > 1)`);
    await queryRunner.query(`ALTER TABLE orders.idempotency_keys DROP CONSTRAINT idempotency_keys_pkey`);
    await queryRunner.query(`ALTER TABLE orders.idempotency_keys ADD PRIMARY KEY (key)`);
    await queryRunner.query(`ALTER TABLE orders.idempotency_keys DROP COLUMN customer_id`);
    await queryRunner.query(`DROP INDEX orders.order_summaries_by_owner`);
    await queryRunner.query(`ALTER TABLE orders.order_summaries DROP COLUMN customer_id`);
    await queryRunner.query(`ALTER TABLE orders.orders DROP COLUMN customer_id`);
  }
}
