// Integration: orders' TypeORM adapters and its outbox against real PostgreSQL, as its own role.
import { createModuleDataSource, provisionModuleDatabases, UnitOfWork } from '@orderly/kernel';
import { startTestPostgres, type TestPostgres } from '@orderly/testing';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { Order } from '../../src/internal/domain/order.js';
import { OrderPlacedV1 } from '../../src/contracts/events.js';
import { toOrderDto, toOrderPlaced } from '../../src/internal/application/order-presenter.js';
import { ordersDatabase } from '../../src/internal/infrastructure/orders-database.js';
import { OrderAlreadyAbandoned } from '../../src/internal/application/errors.js';
import { abandonOrder } from '../../src/internal/application/place-order.js';
import { TypeOrmOrderReader, TypeOrmOrdersUnitOfWork } from '../../src/internal/infrastructure/typeorm-orders-unit-of-work.js';

let postgres: TestPostgres;
let dataSource: DataSource;
let admin: pg.Client;

beforeAll(async () => {
  postgres = await startTestPostgres();
  const connections = await provisionModuleDatabases({ adminUrl: postgres.adminUrl, roleSecret: postgres.roleSecret, modules: [ordersDatabase] });
  dataSource = createModuleDataSource(ordersDatabase, connections.get('orders')!);
  await dataSource.initialize();
  admin = new pg.Client(postgres.adminUrl);
  await admin.connect();
});
afterAll(async () => {
  await admin?.end();
  await dataSource?.destroy();
  await postgres?.stop();
});

describe('orders storage', () => {
  it('saves an order with its lines and its OrderPlaced event in one transaction, and reads it back', async () => {
    const uow = new TypeOrmOrdersUnitOfWork(new UnitOfWork(dataSource, 'orders'));
    const order = Order.place({
      id: crypto.randomUUID(),
      customerId: 'sub-ada',
      customerEmail: 'ada@example.com',
      lines: [
        { productId: crypto.randomUUID(), quantity: 1000, unitPrice: 1_000_000_000 },
        { productId: crypto.randomUUID(), quantity: 1, unitPrice: 0 },
      ],
      now: new Date('2026-03-04T05:06:07.089Z'),
    });
    await uow.transaction(async ({ orders, outbox }) => {
      await orders.add(order);
      outbox.add(OrderPlacedV1, { aggregateId: order.id, payload: toOrderPlaced(order) });
    });
    const loaded = await new TypeOrmOrderReader(dataSource).get(order.id, { kind: 'customer', customerId: 'sub-ada' });
    expect((await uow.transaction(({ orders }) => orders.get(order.id)))?.customerId).toBe('sub-ada');
    // Another customer's query finds nothing, exactly as for an unknown id; staff find it.
    expect(await new TypeOrmOrderReader(dataSource).get(order.id, { kind: 'customer', customerId: 'sub-bob' })).toBeNull();
    expect((await new TypeOrmOrderReader(dataSource).get(order.id, { kind: 'everyone' }))?.id).toBe(order.id);
    expect(loaded?.total).toBe(1_000_000_000_000);
    expect(loaded?.items.map((l) => [l.productId, l.quantity, l.unitPrice])).toEqual(order.lines.map((l) => [l.productId, l.quantity, l.unitPrice]));
    expect(loaded?.createdAt).toBe('2026-03-04T05:06:07.089Z');
    // The same answer the write side's aggregate gives (the read builds none).
    expect(loaded).toEqual(toOrderDto((await uow.transaction(({ orders }) => orders.get(order.id)))!));
    const { rows } = await admin.query(`SELECT type, version, aggregate_id, status FROM orders.outbox`);
    expect(rows).toEqual([{ type: 'orders.OrderPlaced', version: 1, aggregate_id: order.id, status: 'pending' }]);
  });

  it('cannot read another module’s schema with its own role', async () => {
    await admin.query('CREATE SCHEMA IF NOT EXISTS products');
    await expect(dataSource.query('SELECT 1 FROM products.products')).rejects.toThrow(/permission denied for schema products/);
  });

  it('decides each order id once when a commit races an abandonment', async () => {
    const uow = new TypeOrmOrdersUnitOfWork(new UnitOfWork(dataSource, 'orders'));
    const clock = { now: () => new Date() };
    const ids = Array.from({ length: 20 }, () => crypto.randomUUID());
    const outcomes = await Promise.all(
      ids.map(async (id) => {
        const [placed, abandoned] = await Promise.allSettled([
          uow.transaction((s) => s.fates.markPlaced(id)),
          abandonOrder(uow, clock, id),
        ]);
        return { id, placed, abandoned };
      }),
    );
    for (const { id, placed, abandoned } of outcomes) {
      expect(abandoned.status).toBe('fulfilled');
      const decided = (abandoned as PromiseFulfilledResult<string>).value;
      if (placed.status === 'fulfilled') expect(decided).toBe('placed');
      else expect([decided, placed.reason]).toEqual(['abandoned', new OrderAlreadyAbandoned(id)]);
    }
    const { rows } = await admin.query(`SELECT fate, count(*)::int AS n FROM orders.order_fates WHERE order_id = ANY($1) GROUP BY fate`, [ids]);
    expect(rows.reduce((sum: number, r: { n: number }) => sum + r.n, 0)).toBe(20);
    const { rows: events } = await admin.query(`SELECT count(*)::int AS n FROM orders.outbox WHERE type = 'orders.OrderAbandoned' AND aggregate_id = ANY($1)`, [ids]);
    expect(events[0].n).toBe(rows.find((r: { fate: string }) => r.fate === 'abandoned')?.n ?? 0);
  });

  it('gives an idempotency key to exactly one of many concurrent claimants, and purges it after its TTL', async () => {
    const uow = new TypeOrmOrdersUnitOfWork(new UnitOfWork(dataSource, 'orders'));
    const claims = await Promise.all(
      Array.from({ length: 10 }, () =>
        uow.transaction((s) => s.idempotencyKeys.claim({ customerId: 'sub-ada', key: 'same-key', requestHash: 'h', orderId: crypto.randomUUID(), leaseMs: 60_000, ttlMs: 60_000 })),
      ),
    );
    expect(claims.filter((c) => c.kind === 'owner')).toHaveLength(1);
    expect(claims.filter((c) => c.kind === 'in-progress')).toHaveLength(9);
    // Keys are per customer: another customer's same key is a claim of its own.
    const other = await uow.transaction((s) => s.idempotencyKeys.claim({ customerId: 'sub-bob', key: 'same-key', requestHash: 'h', orderId: crypto.randomUUID(), leaseMs: 60_000, ttlMs: 60_000 }));
    expect(other.kind).toBe('owner');
    await uow.transaction((s) => s.idempotencyKeys.claim({ customerId: 'sub-ada', key: 'short-lived', requestHash: 'h', orderId: crypto.randomUUID(), leaseMs: 1, ttlMs: 1 }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await uow.transaction((s) => s.idempotencyKeys.purgeExpired())).toBe(1);
  });

  it('locks an order for a status change and saves the status with when it changed', async () => {
    const uow = new TypeOrmOrdersUnitOfWork(new UnitOfWork(dataSource, 'orders'));
    const order = Order.place({ id: crypto.randomUUID(), customerId: 'sub-ship', customerEmail: 'ship@example.com', lines: [{ productId: crypto.randomUUID(), quantity: 1, unitPrice: 5 }], now: new Date('2026-05-01T00:00:00Z') });
    await uow.transaction(({ orders }) => orders.add(order));
    await uow.transaction(async ({ orders }) => {
      // Another customer's lock finds nothing (and locks nothing); the owner's finds the order.
      expect(await orders.getForUpdate(order.id, { kind: 'customer', customerId: 'sub-other' })).toBeNull();
      const locked = await orders.getForUpdate(order.id, { kind: 'customer', customerId: 'sub-ship' });
      locked!.ship(new Date('2026-05-02T00:00:00Z'));
      await orders.saveStatus(locked!);
    });
    const loaded = await new TypeOrmOrderReader(dataSource).get(order.id, { kind: 'everyone' });
    expect([loaded?.status, loaded?.statusChangedAt, loaded?.createdAt]).toEqual(['shipped', '2026-05-02T00:00:00.000Z', '2026-05-01T00:00:00.000Z']);
    expect(await uow.transaction(({ orders }) => orders.getForUpdate(crypto.randomUUID(), { kind: 'everyone' }))).toBeNull();
  });
});
