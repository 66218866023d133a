import { addSubscriberDeliveries, removeSubscriberDeliveries } from '@orderly/kernel';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-subscriber delivery rows, lease columns and retention indexes for the products outbox and inbox (docs/adr/0003). */
export class AddSubscriberDeliveries1732100015000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await addSubscriberDeliveries(queryRunner, 'products');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await removeSubscriberDeliveries(queryRunner, 'products');
  }
}
