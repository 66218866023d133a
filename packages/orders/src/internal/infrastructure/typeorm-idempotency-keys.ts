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

  async claim(input: { customerId: string; key: string; requestHash: string; orderId: string; leaseMs: number; ttlMs: number }): Promise<IdempotencyClaim> {
    const { customerId, key, requestHash, orderId, leaseMs, ttlMs } = input;
    // An expired key is as good as absent (the purge may not have run yet).
    await this.manager.query(`DELETE FROM orders.idempotency_keys WHERE customer_id = $1 AND key = $2 AND expires_at <= now()`, [customerId, key]);
    // Concurrent first requests queue on the primary key here; one inserts, the others see its row.
    const inserted: unknown[] = await this.manager.query(
      `INSERT INTO orders.idempotency_keys (customer_id, key, request_hash, order_id, state, locked_until, expires_at)
       VALUES ($1, $2, $3, $4, 'in-progress', now() + $5 * interval '1 millisecond', now() + $6 * interval '1 millisecond')
       ON CONFLICT (customer_id, key) DO NOTHING RETURNING key`,
      [customerId, key, requestHash, orderId, leaseMs, ttlMs],
    );
    if (inserted.length > 0) return { kind: 'owner', orderId, requestHash, abandonedOrderId: null };

    const [row]: KeyRow[] = await this.manager.query(
      `SELECT request_hash, order_id, state, locked_until <= now() AS lease_over, response
         FROM orders.idempotency_keys WHERE customer_id = $1 AND key = $2 FOR UPDATE`,
      [customerId, key],
    );
    if (!row) return this.claim(input); // deleted between our insert and select: try again
    // A different body under this key: report the stored hash; the caller refuses it (422) whatever the state.
    if (row.request_hash !== requestHash) return { kind: 'in-progress', requestHash: row.request_hash };
    if (row.state === 'completed') return { kind: 'completed', requestHash, order: row.response! };
    if (!row.lease_over) return { kind: 'in-progress', requestHash };
    await this.manager.query(
      `UPDATE orders.idempotency_keys SET order_id = $3, locked_until = now() + $4 * interval '1 millisecond' WHERE customer_id = $1 AND key = $2`,
      [customerId, key, orderId, leaseMs],
    );
    return { kind: 'owner', orderId, requestHash, abandonedOrderId: row.order_id };
  }

  async complete(customerId: string, key: string, orderId: string, order: OrderDto): Promise<void> {
    const updated: unknown[] = await this.manager.query(
      `WITH done AS (
         UPDATE orders.idempotency_keys SET state = 'completed', response = $4
          WHERE customer_id = $1 AND key = $2 AND order_id = $3 AND state = 'in-progress' RETURNING key)
       SELECT key FROM done`,
      [customerId, key, orderId, JSON.stringify(order)],
    );
    // Someone took the key over (our lease ran out): roll the order back rather than answer twice.
    if (updated.length === 0) throw new IdempotentRequestSuperseded();
  }

  async forget(customerId: string, key: string, orderId: string): Promise<void> {
    await this.manager.query(`DELETE FROM orders.idempotency_keys WHERE customer_id = $1 AND key = $2 AND order_id = $3 AND state = 'in-progress'`, [
      customerId,
      key,
      orderId,
    ]);
  }

  async purgeExpired(): Promise<number> {
    const deleted: unknown[] = await this.manager.query(
      `WITH gone AS (DELETE FROM orders.idempotency_keys WHERE expires_at <= now() RETURNING key) SELECT key FROM gone`,
    );
    return deleted.length;
  }
}
