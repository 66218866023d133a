import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The order history read model, fed by OrderPlaced (ProjectOrderSummary). Orders that existed
 * before it are copied in once, here; from then on only events write to it.
 */
export class CreateOrderSummaries1732100004000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE orders.order_summaries (
        order_id       uuid PRIMARY KEY,
        customer_email text NOT NULL,
        total          bigint NOT NULL,
        item_count     integer NOT NULL,
        placed_at      timestamptz NOT NULL,
        projected_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX order_summaries_newest ON orders.order_summaries (placed_at DESC, order_id DESC)`);
    await queryRunner.query(
      `CREATE INDEX order_summaries_by_customer ON orders.order_summaries (lower(customer_email), placed_at DESC, order_id DESC)`,
    );
    await queryRunner.query(`
      INSERT INTO orders.order_summaries (order_id, customer_email, total, item_count, placed_at)
      SELECT o.id, o.customer_email, o.total, (SELECT COALESCE(sum(l.quantity), 0) FROM orders.order_lines l WHERE l.order_id = o.id), o.created_at
        FROM orders.orders o`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE orders.order_summaries`);
  }
}
