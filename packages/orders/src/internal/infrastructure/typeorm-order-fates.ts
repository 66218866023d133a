import { sqlState, UNIQUE_VIOLATION } from '@orderly/kernel';
import type { EntityManager } from 'typeorm';
import type { OrderFate } from '../domain/order-fate.js';
import { OrderAlreadyAbandoned } from '../application/errors.js';
import type { OrderFateRegistry } from '../application/ports.js';

/**
 * Order fates in orders.order_fates. Both writes are inserts under the order id as primary key:
 * under READ COMMITTED a second insert of the same id waits for the first transaction and then
 * conflicts, so exactly one fate is ever recorded, whatever the isolation level.
 */
export class TypeOrmOrderFates implements OrderFateRegistry {
  constructor(private readonly manager: EntityManager) {}

  async markPlaced(orderId: string): Promise<void> {
    try {
      await this.manager.query(`INSERT INTO orders.order_fates (order_id, fate) VALUES ($1, 'placed')`, [orderId]);
    } catch (error) {
      if (sqlState(error) === UNIQUE_VIOLATION) throw new OrderAlreadyAbandoned(orderId);
      throw error;
    }
  }

  async abandon(orderId: string): Promise<{ fate: OrderFate; decidedNow: boolean }> {
    const inserted: unknown[] = await this.manager.query(
      `INSERT INTO orders.order_fates (order_id, fate) VALUES ($1, 'abandoned') ON CONFLICT (order_id) DO NOTHING RETURNING order_id`,
      [orderId],
    );
    if (inserted.length > 0) return { fate: 'abandoned', decidedNow: true };
    const [row]: { fate: OrderFate }[] = await this.manager.query(`SELECT fate FROM orders.order_fates WHERE order_id = $1`, [orderId]);
    return { fate: row!.fate, decidedNow: false };
  }
}
