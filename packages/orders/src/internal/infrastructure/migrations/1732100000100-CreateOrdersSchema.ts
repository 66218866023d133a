import { createMessagingTables, dropMessagingTables } from '@orderly/kernel';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOrdersSchema1732100000100 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE orders.orders (
        id             uuid PRIMARY KEY,
        customer_email text NOT NULL,
        status         text NOT NULL CHECK (status IN ('confirmed')),
        total          bigint NOT NULL CHECK (total >= 0),
        created_at     timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE orders.order_lines (
        order_id   uuid NOT NULL REFERENCES orders.orders (id),
        position   integer NOT NULL,
        product_id uuid NOT NULL,
        quantity   integer NOT NULL CHECK (quantity BETWEEN 1 AND 1000),
        unit_price bigint NOT NULL CHECK (unit_price >= 0),
        line_total bigint NOT NULL,
        PRIMARY KEY (order_id, position),
        UNIQUE (order_id, product_id)
      )`);
    await createMessagingTables(queryRunner, 'orders');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropMessagingTables(queryRunner, 'orders');
    await queryRunner.query(`DROP TABLE orders.order_lines`);
    await queryRunner.query(`DROP TABLE orders.orders`);
  }
}
