import type { EntityManager } from 'typeorm';
import type { OrderDto } from '../../contracts/dto.js';
import { IdempotentRequestSuperseded } from '../application/errors.js';
import type { IdempotencyClaim, IdempotencyKeyStore } from '../application/ports.js';

interface KeyRow {
  request_hash: string;
  order_id: string;
  state: 'in-progress' | 'completed';
  lease_over: boolean;
  response: OrderDto | null;
}

/**
 * Idempotency keys in orders.idempotency_keys; times come from the database clock, shared by every
 * instance. UPDATE/DELETE ... RETURNING are wrapped in a SELECT because TypeORM answers a bare one
 * with [rows, count] instead of rows.
 */
export class TypeOrmIdempotencyKeys implements IdempotencyKeyStore {
  constructor(private readonly manager: EntityManager) {}

  async claim(input: { key: string; requestHash: string; orderId: string; leaseMs: number; ttlMs: number }): Promise<IdempotencyClaim> {
    const { key, requestHash, orderId, leaseMs, ttlMs } = input;
    // An expired key is as good as absent (the purge may not have run yet).
    await this.manager.query(`DELETE FROM orders.idempotency_keys WHERE key = $1 AND expires_at <= now()`, [key]);
    // Concurrent first requests queue on the primary key here; one inserts, the others see its row.
    const inserted: unknown[] = await this.manager.query(
      `INSERT INTO orders.idempotency_keys (key, request_hash, order_id, state, locked_until, expires_at)
       VALUES ($1, $2, $3, 'in-progress', now() + $4 * interval '1 millisecond', now() + $5 * interval '1 millisecond')
       ON CONFLICT (key) DO NOTHING RETURNING key`,
      [key, requestHash, orderId, leaseMs, ttlMs],
    );
    if (inserted.length > 0) return { kind: 'owner', orderId, requestHash, abandonedOrderId: null };

    const [row]: KeyRow[] = await this.manager.query(
      `SELECT request_hash, order_id, state, locked_until <= now() AS lease_over, response
         FROM orders.idempotency_keys WHERE key = $1 FOR UPDATE`,
      [key],
    );
    if (!row) return this.claim(input); // deleted between our insert and select: try again
    // A different body under this key: report the stored hash; the caller refuses it (422) whatever the state.
    if (row.request_hash !== requestHash) return { kind: 'in-progress', requestHash: row.request_hash };
    if (row.state === 'completed') return { kind: 'completed', requestHash, order: row.response! };
    if (!row.lease_over) return { kind: 'in-progress', requestHash };
    await this.manager.query(
      `UPDATE orders.idempotency_keys SET order_id = $2, locked_until = now() + $3 * interval '1 millisecond' WHERE key = $1`,
      [key, orderId, leaseMs],
    );
    return { kind: 'owner', orderId, requestHash, abandonedOrderId: row.order_id };
  }

  async complete(key: string, orderId: string, order: OrderDto): Promise<void> {
    const updated: unknown[] = await this.manager.query(
      `WITH done AS (
         UPDATE orders.idempotency_keys SET state = 'completed', response = $3
          WHERE key = $1 AND order_id = $2 AND state = 'in-progress' RETURNING key)
       SELECT key FROM done`,
      [key, orderId, JSON.stringify(order)],
    );
    // Someone took the key over (our lease ran out): roll the order back rather than answer twice.
    if (updated.length === 0) throw new IdempotentRequestSuperseded();
  }

  async forget(key: string, orderId: string): Promise<void> {
    await this.manager.query(`DELETE FROM orders.idempotency_keys WHERE key = $1 AND order_id = $2 AND state = 'in-progress'`, [key, orderId]);
  }

  async purgeExpired(): Promise<number> {
    const deleted: unknown[] = await this.manager.query(
      `WITH gone AS (DELETE FROM orders.idempotency_keys WHERE expires_at <= now() RETURNING key) SELECT key FROM gone`,
    );
    return deleted.length;
  }
}
