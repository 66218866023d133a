import { createMessagingTables, dropMessagingTables } from '@orderly/kernel';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateNotificationsSchema1732100000200 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE notifications.notifications (
        id         uuid PRIMARY KEY,
        order_id   uuid NOT NULL,
        channel    text NOT NULL CHECK (channel IN ('email')),
        recipient  text NOT NULL,
        template   text NOT NULL,
        status     text NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX notifications_by_order ON notifications.notifications (order_id, created_at)`);
    await createMessagingTables(queryRunner, 'notifications');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropMessagingTables(queryRunner, 'notifications');
    await queryRunner.query(`DROP TABLE notifications.notifications`);
  }
}
