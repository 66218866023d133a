import type { EventEnvelope, UnitOfWork } from '@orderly/kernel';
import type { DataSource } from 'typeorm';
import type { OrderAudience } from '../../contracts/dto.js';
import type { OrderStatus } from '../domain/order-status.js';
import type { OrderHistoryProjection, OrderHistoryReader, OrderSummary, OrderSummaryPosition, OrderSummaryWriter } from '../application/ports.js';

export class TypeOrmOrderHistoryProjection implements OrderHistoryProjection {
  constructor(private readonly uow: UnitOfWork) {}

  handleOnce(event: EventEnvelope, handler: string, work: (summaries: OrderSummaryWriter) => Promise<void>): Promise<boolean> {
    return this.uow.transactionOnce(event, handler, (tx) =>
      work({
        add: async (s: OrderSummary) => {
          await tx.manager.query(
            `INSERT INTO orders.order_summaries (order_id, customer_id, customer_email, total, item_count, placed_at, status, status_changed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (order_id) DO NOTHING`,
            [s.id, s.customerId, s.customerEmail, s.total, s.itemCount, s.placedAt, s.status, s.statusChangedAt],
          );
        },
        changeStatus: async (orderId: string, status: OrderStatus, changedAt: Date) => {
          // Wrapped in a SELECT: TypeORM answers a bare UPDATE ... RETURNING with [rows, count].
          const updated: unknown[] = await tx.manager.query(
            `WITH changed AS (
               UPDATE orders.order_summaries SET status = $2, status_changed_at = $3 WHERE order_id = $1 RETURNING order_id)
             SELECT order_id FROM changed`,
            [orderId, status, changedAt],
          );
          return updated.length > 0;
        },
      }),
      // The read model is only the database: a relay batch's events share one transaction.
      { shareTransaction: true },
    );
  }
}

export class TypeOrmOrderHistoryReader implements OrderHistoryReader {
  constructor(private readonly dataSource: DataSource) {}

  async page(query: { audience: OrderAudience; customerEmail: string | null; limit: number; before: OrderSummaryPosition | null }): Promise<OrderSummary[]> {
    const conditions: string[] = [];
    const values: unknown[] = [];
    if (query.audience.kind === 'customer') {
      values.push(query.audience.customerId);
      conditions.push(`customer_id = $${values.length}`);
    }
    if (query.customerEmail !== null) {
      values.push(query.customerEmail);
      conditions.push(`lower(customer_email) = lower($${values.length})`);
    }
    if (query.before) {
      values.push(query.before.placedAt, query.before.id);
      conditions.push(`(placed_at, order_id) < ($${values.length - 1}, $${values.length})`);
    }
    values.push(query.limit);
    const rows: {
      order_id: string;
      customer_id: string | null;
      customer_email: string;
      total: string;
      item_count: number;
      placed_at: Date;
      status: OrderStatus;
      status_changed_at: Date;
    }[] =
      await this.dataSource.query(
        `SELECT order_id, customer_id, customer_email, total, item_count, placed_at, status, status_changed_at FROM orders.order_summaries
          ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
          ORDER BY placed_at DESC, order_id DESC
          LIMIT $${values.length}`,
        values,
      );
    return rows.map((r) => ({
      id: r.order_id,
      customerId: r.customer_id,
      customerEmail: r.customer_email,
      total: Number(r.total),
      itemCount: r.item_count,
      placedAt: new Date(r.placed_at),
      status: r.status,
      statusChangedAt: new Date(r.status_changed_at),
    }));
  }
}
