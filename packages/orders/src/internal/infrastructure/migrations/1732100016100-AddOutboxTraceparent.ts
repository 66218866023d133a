import { addOutboxTraceparent, removeOutboxTraceparent } from '@orderly/kernel';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The W3C traceparent stored with each event of the orders outbox, for tracing across processes (docs/adr/0018). */
export class AddOutboxTraceparent1732100016100 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await addOutboxTraceparent(queryRunner, 'orders');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await removeOutboxTraceparent(queryRunner, 'orders');
  }
}
