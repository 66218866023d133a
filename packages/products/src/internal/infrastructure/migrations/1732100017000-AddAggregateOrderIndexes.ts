import { addAggregateOrderIndexes, removeAggregateOrderIndexes } from '@orderly/kernel';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The products relay's per-aggregate order checks probe full indexes, so a backlog cannot make them read
 * every pending row once per candidate when the statistics say nothing is pending (docs/performance.md, issue 17).
 */
export class AddAggregateOrderIndexes1732100017000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await addAggregateOrderIndexes(queryRunner, 'products');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await removeAggregateOrderIndexes(queryRunner, 'products');
  }
}
