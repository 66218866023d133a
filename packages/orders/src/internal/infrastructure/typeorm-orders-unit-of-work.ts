import type { EventEnvelope, Transaction, UnitOfWork } from '@orderly/kernel';
import type { DataSource, EntityManager } from 'typeorm';
import type { Order } from '../domain/order.js';
import type { OrderReader, OrderRepository, OrdersScope, OrdersUnitOfWork } from '../application/ports.js';
import { OrderEntity, OrderLineEntity } from './order.entity-schema.js';
import { fromOrderRow, toOrderRows } from './order-mapping.js';
import { TypeOrmIdempotencyKeys } from './typeorm-idempotency-keys.js';
import { TypeOrmOrderFates } from './typeorm-order-fates.js';

export class TypeOrmOrdersUnitOfWork implements OrdersUnitOfWork {
  constructor(private readonly uow: UnitOfWork) {}

  transaction<T>(work: (scope: OrdersScope) => Promise<T>): Promise<T> {
    return this.uow.transaction((tx) => work(scopeFor(tx)));
  }

  handleOnce(event: EventEnvelope, handler: string, work: (scope: OrdersScope) => Promise<void>): Promise<boolean> {
    return this.uow.transactionOnce(event, handler, (tx) => work(scopeFor(tx)));
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

  async getForUpdate(id: string): Promise<Order | null> {
    // Lock the order's row alone (FOR UPDATE cannot reach through the outer join to its lines);
    // under READ COMMITTED the load after the lock sees whatever the previous holder committed.
    const locked: unknown[] = await this.manager.query(`SELECT 1 FROM orders.orders WHERE id = $1 FOR UPDATE`, [id]);
    return locked.length === 0 ? null : loadOrder(this.manager, id);
  }

  async saveStatus(order: Order): Promise<void> {
    await this.manager.getRepository(OrderEntity).update({ id: order.id }, { status: order.status, statusChangedAt: order.statusChangedAt });
  }
}

export class TypeOrmOrderReader implements OrderReader {
  constructor(private readonly dataSource: DataSource) {}

  get(id: string): Promise<Order | null> {
    return loadOrder(this.dataSource.manager, id);
  }
}

async function loadOrder(manager: EntityManager, id: string): Promise<Order | null> {
  // One query. findOne({relations}) adds `take: 1`, which makes TypeORM first run a
  // SELECT DISTINCT over the join to find the id it was given, then the join again.
  const row = await manager
    .getRepository(OrderEntity)
    .createQueryBuilder('order')
    .leftJoinAndSelect('order.lines', 'line')
    .where('order.id = :id', { id })
    .getOne();
  return row ? fromOrderRow(row) : null;
}
