import type { EventEnvelope, Transaction, UnitOfWork } from '@orderly/kernel';
import type { DataSource, EntityManager } from 'typeorm';
import type { OrderAudience, OrderDto } from '../../contracts/dto.js';
import type { Order } from '../domain/order.js';
import type { OrderReader, OrderRepository, OrdersScope, OrdersUnitOfWork } from '../application/ports.js';
import { OrderEntity, OrderLineEntity } from './order.entity-schema.js';
import { orderDtoFromJoinRows, orderFromJoinRows, SELECT_CUSTOMERS_ORDER_WITH_LINES, SELECT_ORDER_WITH_LINES, toOrderRows, type OrderJoinRow } from './order-mapping.js';
import { TypeOrmIdempotencyKeys } from './typeorm-idempotency-keys.js';
import { TypeOrmOrderFates } from './typeorm-order-fates.js';

export class TypeOrmOrdersUnitOfWork implements OrdersUnitOfWork {
  constructor(private readonly uow: UnitOfWork) {}

  transaction<T>(work: (scope: OrdersScope) => Promise<T>): Promise<T> {
    return this.uow.transaction((tx) => work(scopeFor(tx)));
  }

  handleOnce(event: EventEnvelope, handler: string, work: (scope: OrdersScope) => Promise<void>): Promise<boolean> {
    // Orders' handlers touch only the database: a relay batch's events share one transaction.
    return this.uow.transactionOnce(event, handler, (tx) => work(scopeFor(tx)), { shareTransaction: true });
  }
}

function scopeFor(tx: Transaction): OrdersScope {
  return {
    orders: new TypeOrmOrderRepository(tx.manager),
    outbox: tx.outbox,
    fates: new TypeOrmOrderFates(tx.manager),
    idempotencyKeys: new TypeOrmIdempotencyKeys(tx.manager),
  };
}

class TypeOrmOrderRepository implements OrderRepository {
  constructor(private readonly manager: EntityManager) {}

  async add(order: Order): Promise<void> {
    const rows = toOrderRows(order);
    await this.manager.getRepository(OrderEntity).insert(rows.order);
    await this.manager.getRepository(OrderLineEntity).insert(rows.lines);
  }

  get(id: string): Promise<Order | null> {
    return loadOrder(this.manager, id);
  }

  async getForUpdate(id: string, audience: OrderAudience): Promise<Order | null> {
    // Lock the order's row alone (FOR UPDATE cannot reach through the outer join to its lines);
    // under READ COMMITTED the load after the lock sees whatever the previous holder committed.
    // A customer's lock is scoped to their subject: another's order is not found (nor locked).
    const locked: unknown[] =
      audience.kind === 'customer'
        ? await this.manager.query(`SELECT 1 FROM orders.orders WHERE id = $1 AND customer_id = $2 FOR UPDATE`, [id, audience.customerId])
        : await this.manager.query(`SELECT 1 FROM orders.orders WHERE id = $1 FOR UPDATE`, [id]);
    return locked.length === 0 ? null : loadOrder(this.manager, id);
  }

  async saveStatus(order: Order): Promise<void> {
    await this.manager.getRepository(OrderEntity).update({ id: order.id }, { status: order.status, statusChangedAt: order.statusChangedAt });
  }
}

export class TypeOrmOrderReader implements OrderReader {
  constructor(private readonly dataSource: DataSource) {}

  async get(id: string, audience: OrderAudience): Promise<OrderDto | null> {
    // A customer's query is scoped to its subject in SQL: another's order is simply not found.
    const rows: OrderJoinRow[] =
      audience.kind === 'customer'
        ? await this.dataSource.query(SELECT_CUSTOMERS_ORDER_WITH_LINES, [id, audience.customerId])
        : await this.dataSource.query(SELECT_ORDER_WITH_LINES, [id]);
    return rows.length === 0 ? null : orderDtoFromJoinRows(rows);
  }
}

async function loadOrder(manager: EntityManager, id: string): Promise<Order | null> {
  const rows: OrderJoinRow[] = await manager.query(SELECT_ORDER_WITH_LINES, [id]);
  return rows.length === 0 ? null : orderFromJoinRows(rows);
}
