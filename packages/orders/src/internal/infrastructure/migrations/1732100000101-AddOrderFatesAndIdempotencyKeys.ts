import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddOrderFatesAndIdempotencyKeys1732100000101 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    // One row per order id that was ever decided; the primary key makes `placed` and
    // `abandoned` exclude each other (see OrderFate).
    await queryRunner.query(`
      CREATE TABLE orders.order_fates (
        order_id   uuid PRIMARY KEY,
        fate       text NOT NULL CHECK (fate IN ('placed', 'abandoned')),
        decided_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`INSERT INTO orders.order_fates (order_id, fate, decided_at) SELECT id, 'placed', created_at FROM orders.orders`);
    await queryRunner.query(`
      CREATE TABLE orders.idempotency_keys (
        key          text PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 255),
        request_hash text NOT NULL,
        order_id     uuid NOT NULL,
        state        text NOT NULL CHECK (state IN ('in-progress', 'completed')),
        locked_until timestamptz NOT NULL,
        response     jsonb,
        created_at   timestamptz NOT NULL DEFAULT now(),
        expires_at   timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX idempotency_keys_expiry ON orders.idempotency_keys (expires_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE orders.idempotency_keys`);
    await queryRunner.query(`DROP TABLE orders.order_fates`);
  }
}
