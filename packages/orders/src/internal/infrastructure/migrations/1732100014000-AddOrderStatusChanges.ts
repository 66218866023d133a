import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Orders can be shipped or cancelled (issue 14): the status check admits both, and every order
 * and every order-history row records when its status last changed (its placement time until then).
 */
export class AddOrderStatusChanges1732100014000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE orders.orders DROP CONSTRAINT orders_status_check`);
    await queryRunner.query(`ALTER TABLE orders.orders ADD CONSTRAINT orders_status_check CHECK (status IN ('confirmed', 'shipped', 'cancelled'))`);
    await queryRunner.query(`ALTER TABLE orders.orders ADD COLUMN status_changed_at timestamptz`);
    await queryRunner.query(`UPDATE orders.orders SET status_changed_at = created_at`);
    await queryRunner.query(`ALTER TABLE orders.orders ALTER COLUMN status_changed_at SET NOT NULL`);

    await queryRunner.query(`
      ALTER TABLE orders.order_summaries
        ADD COLUMN status text NOT NULL DEFAULT 'confirmed' CHECK (status IN ('confirmed', 'shipped', 'cancelled')),
        ADD COLUMN status_changed_at timestamptz`);
    await queryRunner.query(`UPDATE orders.order_summaries s SET status = o.status, status_changed_at = o.status_changed_at FROM orders.orders o WHERE o.id = s.order_id`);
    await queryRunner.query(`UPDATE orders.order_summaries SET status_changed_at = placed_at WHERE status_changed_at IS NULL`);
    await queryRunner.query(`ALTER TABLE orders.order_summaries ALTER COLUMN status_changed_at SET NOT NULL, ALTER COLUMN status DROP DEFAULT`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE orders.order_summaries DROP COLUMN status_changed_at, DROP COLUMN status`);
    await queryRunner.query(`ALTER TABLE orders.orders DROP COLUMN status_changed_at`);
    await queryRunner.query(`ALTER TABLE orders.orders DROP CONSTRAINT orders_status_check`);
    await queryRunner.query(`ALTER TABLE orders.orders ADD CONSTRAINT orders_status_check CHECK (status IN ('confirmed'))`);
  }
}
