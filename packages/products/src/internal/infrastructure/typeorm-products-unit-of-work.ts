import { ConcurrencyConflict, equalsOnFullIndex, sqlState, UNIQUE_VIOLATION, type EventEnvelope, type Transaction, type UnitOfWork } from '@orderly/kernel';
import type { EntityManager } from 'typeorm';
import { Product } from '../domain/product.js';
import type { ReservationStatus, StockReservation } from '../domain/stock-reservation.js';
import { SkuAlreadyExists } from '../application/errors.js';
import type { ProductRepository, ProductsScope, ProductsUnitOfWork, ReservationRepository } from '../application/ports.js';
import { ProductEntity, StockReservationEntity } from './product.entity-schema.js';

export class TypeOrmProductsUnitOfWork implements ProductsUnitOfWork {
  constructor(private readonly uow: UnitOfWork) {}

  transaction<T>(work: (scope: ProductsScope) => Promise<T>): Promise<T> {
    return this.uow.transaction((tx) => work(scopeFor(tx)));
  }

  handleOnce(event: EventEnvelope, handler: string, work: (scope: ProductsScope) => Promise<void>): Promise<boolean> {
    // Products' handlers touch only the database: a relay batch's events share one transaction.
    return this.uow.transactionOnce(event, handler, (tx) => work(scopeFor(tx)), { shareTransaction: true });
  }
}

function scopeFor(tx: Transaction): ProductsScope {
  return {
    products: new TypeOrmProductRepository(tx.manager),
    reservations: new TypeOrmReservationRepository(tx.manager),
    outbox: tx.outbox,
  };
}

class TypeOrmProductRepository implements ProductRepository {
  constructor(private readonly manager: EntityManager) {}

  async get(id: string): Promise<Product | null> {
    const row = await this.manager.getRepository(ProductEntity).findOneBy({ id });
    return row ? Product.restore(row) : null;
  }

  async getManyForUpdate(ids: readonly string[]): Promise<Product[]> {
    if (ids.length === 0) return [];
    const rows = await this.manager
      .getRepository(ProductEntity)
      .createQueryBuilder('p')
      .where('p.id IN (:...ids)', { ids: [...ids] })
      .orderBy('p.id')
      .setLock('pessimistic_write')
      .getMany();
    return rows.map((row) => Product.restore(row));
  }

  async add(product: Product): Promise<void> {
    try {
      await this.manager.getRepository(ProductEntity).insert(product.snapshot());
    } catch (error) {
      if (sqlState(error) === UNIQUE_VIOLATION) throw new SkuAlreadyExists(product.snapshot().sku);
      throw error;
    }
  }

  async save(product: Product, expectedVersion: number): Promise<void> {
    const { id, stock, version } = product.snapshot();
    const result = await this.manager
      .getRepository(ProductEntity)
      .update({ id, version: expectedVersion }, { stock, version });
    if (result.affected !== 1) throw new ConcurrencyConflict(`Product ${id}`);
  }

  async saveEntry(product: Product, expectedVersion: number): Promise<void> {
    const { id, name, unitPrice, withdrawnAt, version } = product.snapshot();
    const result = await this.manager
      .getRepository(ProductEntity)
      .update({ id, version: expectedVersion }, { name, unitPrice, withdrawnAt, version });
    if (result.affected !== 1) throw new ConcurrencyConflict(`Product ${id}`);
  }
}

class TypeOrmReservationRepository implements ReservationRepository {
  constructor(private readonly manager: EntityManager) {}

  forOrder(orderId: string): Promise<StockReservation[]> {
    return this.manager.getRepository(StockReservationEntity).find({ where: { orderId }, order: { productId: 'ASC' } });
  }

  async add(reservations: readonly StockReservation[]): Promise<void> {
    if (reservations.length > 0) await this.manager.getRepository(StockReservationEntity).insert([...reservations]);
  }

  async transition(orderId: string, from: ReservationStatus | readonly ReservationStatus[], to: ReservationStatus): Promise<StockReservation[]> {
    // Not `status IN (...)`: for 'reserved' alone that would let stock_reservations_expiring
    // (WHERE status = 'reserved') serve the lookup by order id (equalsOnFullIndex;
    // bench/test/e2e/scale-query-plans.test.ts).
    const statuses = [from].flat();
    const statusMatches = statuses.map((_, i) => equalsOnFullIndex('status', `:from${i}`)).join(' OR ');
    const result = await this.manager
      .createQueryBuilder()
      .update(StockReservationEntity)
      .set({ status: to })
      .where(`order_id = :orderId AND (${statusMatches})`, { orderId, ...Object.fromEntries(statuses.map((s, i) => [`from${i}`, s])) })
      .returning('*')
      .execute();
    const rows = result.raw as { order_id: string; product_id: string; quantity: number; unit_price: string; status: ReservationStatus; expires_at: Date }[];
    return rows.map((r) => ({
      orderId: r.order_id,
      productId: r.product_id,
      quantity: r.quantity,
      unitPrice: Number(r.unit_price),
      status: r.status,
      expiresAt: r.expires_at,
    }));
  }

  async claimExpired(now: Date, nextExpiry: Date, limit: number): Promise<string[]> {
    // Wrapped in a SELECT: TypeORM answers a bare UPDATE ... RETURNING with [rows, count].
    const rows: { order_id: string }[] = await this.manager.query(
      `WITH claimed AS (
         UPDATE products.stock_reservations r SET expires_at = $2
           FROM (SELECT order_id, product_id FROM products.stock_reservations
                  WHERE status = 'reserved' AND expires_at <= $1
                  ORDER BY expires_at
                  LIMIT $3
                  FOR UPDATE SKIP LOCKED) due
          WHERE r.order_id = due.order_id AND r.product_id = due.product_id AND r.status = 'reserved'
          RETURNING r.order_id)
       SELECT order_id FROM claimed`,
      [now, nextExpiry, limit],
    );
    return [...new Set(rows.map((r) => r.order_id))];
  }
}
