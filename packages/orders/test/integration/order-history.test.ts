// Integration: the order history read model (CQRS) on real PostgreSQL - fed once per OrderPlaced
// through the inbox, read newest first with a keyset cursor.
import { createModuleDataSource, provisionModuleDatabases, UnitOfWork, type EventEnvelope } from '@orderly/kernel';
import { startTestPostgres, type TestPostgres } from '@orderly/testing';
import type { DataSource } from 'typeorm';
import type { OrderCancelled, OrderPlaced } from '../../src/contracts/events.js';
import { OrderHistory } from '../../src/internal/application/order-history.js';
import { ProjectOrderSummary } from '../../src/internal/application/project-order-summary.js';
import { OrderSummaryNotProjectedYet, ProjectOrderCancellation } from '../../src/internal/application/project-order-status.js';
import { ordersDatabase } from '../../src/internal/infrastructure/orders-database.js';
import { TypeOrmOrderHistoryProjection, TypeOrmOrderHistoryReader } from '../../src/internal/infrastructure/typeorm-order-history.js';

let postgres: TestPostgres;
let dataSource: DataSource;
let project: ProjectOrderSummary;
let history: OrderHistory;

beforeAll(async () => {
  postgres = await startTestPostgres();
  const connections = await provisionModuleDatabases({ adminUrl: postgres.adminUrl, roleSecret: postgres.roleSecret, modules: [ordersDatabase] });
  dataSource = createModuleDataSource(ordersDatabase, connections.get('orders')!);
  await dataSource.initialize();
  project = new ProjectOrderSummary(new TypeOrmOrderHistoryProjection(new UnitOfWork(dataSource, 'orders')));
  history = new OrderHistory(new TypeOrmOrderHistoryReader(dataSource));
});
afterAll(async () => {
  await dataSource?.destroy();
  await postgres?.stop();
});

const staff = { kind: 'everyone' } as const;

function orderPlaced(customerEmail: string, placedAt: string, quantities: number[] = [1], customerId = `sub-${customerEmail.toLowerCase()}`): EventEnvelope<OrderPlaced> {
  const orderId = crypto.randomUUID();
  return {
    id: crypto.randomUUID(), type: 'orders.OrderPlaced', version: 1, occurredAt: placedAt,
    aggregateId: orderId, correlationId: 'c', causationId: null,
    payload: {
      orderId, customerId, customerEmail, placedAt,
      lines: quantities.map((quantity) => ({ productId: crypto.randomUUID(), quantity, unitPrice: 100, lineTotal: quantity * 100 })),
      total: quantities.reduce((s, q) => s + q * 100, 0),
    },
  };
}

it('projects each OrderPlaced once, however often it is delivered', async () => {
  const event = orderPlaced('once@example.com', '2026-01-01T00:00:00.000Z', [2, 3]);
  await Promise.all([project.handle(event), project.handle(event)]);
  await project.handle(event);
  const page = await history.list({ customerEmail: 'once@example.com' }, staff);
  expect(page).toEqual({
    items: [
      {
        id: event.payload.orderId,
        customerEmail: 'once@example.com',
        total: 500,
        itemCount: 5,
        placedAt: '2026-01-01T00:00:00.000Z',
        status: 'confirmed',
        statusChangedAt: '2026-01-01T00:00:00.000Z',
      },
    ],
    nextCursor: null,
  });
});

it("pages one customer's orders newest first with a cursor, matching the email case-insensitively", async () => {
  const mine = [];
  for (let day = 1; day <= 5; day++) {
    const event = orderPlaced('Pager@Example.com', `2026-02-0${day}T12:00:00.000Z`);
    mine.push(event.payload.orderId);
    await project.handle(event);
    await project.handle(orderPlaced('someone-else@example.com', `2026-02-0${day}T12:00:00.000Z`));
  }
  const first = await history.list({ customerEmail: 'pager@example.com', limit: 2 }, staff);
  const second = await history.list({ customerEmail: 'pager@example.com', limit: 2, cursor: first.nextCursor! }, staff);
  const third = await history.list({ customerEmail: 'pager@example.com', limit: 2, cursor: second.nextCursor! }, staff);
  expect([...first.items, ...second.items, ...third.items].map((s) => s.id)).toEqual([...mine].reverse());
  expect(third.nextCursor).toBeNull();
  expect((await history.list({ limit: 100 }, staff)).items.length).toBe(11);
});

it("lists only a customer's own orders, whatever e-mail filter they send", async () => {
  const own = orderPlaced('owner@example.com', '2026-03-01T00:00:00.000Z', [1], 'sub-owner');
  await project.handle(own);
  await project.handle(orderPlaced('other@example.com', '2026-03-02T00:00:00.000Z', [1], 'sub-other'));
  const owner = { kind: 'customer', customerId: 'sub-owner' } as const;
  expect((await history.list({}, owner)).items.map((s) => s.id)).toEqual([own.payload.orderId]);
  expect((await history.list({ customerEmail: 'other@example.com' }, owner)).items).toEqual([]);
  expect((await history.list({ customerEmail: 'owner@example.com' }, owner)).items.map((s) => s.id)).toEqual([own.payload.orderId]);
});

it('refuses a cursor it did not issue', async () => {
  await expect(history.list({ cursor: 'not-a-cursor' }, staff)).rejects.toThrow('cursor is not one this API returned');
});

it('shows a cancellation once its summary is there, and has the relay retry one that arrives first', async () => {
  const placed = orderPlaced('status@example.com', '2026-02-01T00:00:00.000Z');
  const cancelled: EventEnvelope<OrderCancelled> = {
    ...placed,
    id: crypto.randomUUID(),
    type: 'orders.OrderCancelled',
    payload: { orderId: placed.payload.orderId, customerEmail: 'status@example.com', lines: [], total: 100, cancelledAt: '2026-02-02T00:00:00.000Z' },
  };
  const projectCancellation = new ProjectOrderCancellation(new TypeOrmOrderHistoryProjection(new UnitOfWork(dataSource, 'orders')));
  await expect(projectCancellation.handle(cancelled)).rejects.toBeInstanceOf(OrderSummaryNotProjectedYet);
  await project.handle(placed);
  await projectCancellation.handle(cancelled);
  await projectCancellation.handle(cancelled);
  const page = await history.list({ customerEmail: 'status@example.com' }, staff);
  expect(page.items.map((s) => [s.status, s.statusChangedAt])).toEqual([['cancelled', '2026-02-02T00:00:00.000Z']]);
});
