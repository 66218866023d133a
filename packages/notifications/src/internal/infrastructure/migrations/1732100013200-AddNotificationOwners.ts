import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A notification belongs to the subject its order belongs to (docs/adr/0011), so a customer's
 * query can be scoped to it. Notifications of orders placed before identity keep NULL: staff only.
 */
export class AddNotificationOwners1732100013200 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE notifications.notifications ADD COLUMN customer_id text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE notifications.notifications DROP COLUMN customer_id`);
  }
}
