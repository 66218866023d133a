import { createMessagingTables, dropMessagingTables } from '@orderly/kernel';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateProductsSchema1732100000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE products.products (
        id         uuid PRIMARY KEY,
        sku        text NOT NULL UNIQUE,
        name       text NOT NULL,
        unit_price bigint NOT NULL CHECK (unit_price >= 0),
        stock      integer NOT NULL CHECK (stock >= 0),
        version    integer NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX products_listing ON products.products (created_at, id)`);
    await queryRunner.query(`
      CREATE TABLE products.stock_reservations (
        order_id   uuid NOT NULL,
        product_id uuid NOT NULL REFERENCES products.products (id),
        quantity   integer NOT NULL CHECK (quantity > 0),
        unit_price bigint NOT NULL,
        status     text NOT NULL CHECK (status IN ('reserved', 'confirmed', 'released')),
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (order_id, product_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX stock_reservations_expiring ON products.stock_reservations (expires_at) WHERE status = 'reserved'`,
    );
    await createMessagingTables(queryRunner, 'products');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropMessagingTables(queryRunner, 'products');
    await queryRunner.query(`DROP TABLE products.stock_reservations`);
    await queryRunner.query(`DROP TABLE products.products`);
  }
}
