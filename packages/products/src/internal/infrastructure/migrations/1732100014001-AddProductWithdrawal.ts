import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A withdrawn product stays in the catalog but can no longer be ordered (issue 14). */
export class AddProductWithdrawal1732100014001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE products.products ADD COLUMN withdrawn_at timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE products.products DROP COLUMN withdrawn_at`);
  }
}
