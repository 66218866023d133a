import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A cancelled order's reservations end `returned`: their stock is back on the shelf (issue 14). */
export class AllowReturnedReservations1732100014000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE products.stock_reservations DROP CONSTRAINT stock_reservations_status_check`);
    await queryRunner.query(
      `ALTER TABLE products.stock_reservations ADD CONSTRAINT stock_reservations_status_check CHECK (status IN ('reserved', 'confirmed', 'released', 'returned'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE products.stock_reservations DROP CONSTRAINT stock_reservations_status_check`);
    await queryRunner.query(
      `ALTER TABLE products.stock_reservations ADD CONSTRAINT stock_reservations_status_check CHECK (status IN ('reserved', 'confirmed', 'released'))`,
    );
  }
}
