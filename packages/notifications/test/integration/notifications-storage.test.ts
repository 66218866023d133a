// Integration: the inbox and the notifications table on real PostgreSQL, as notifications' role.
import { createModuleDataSource, provisionModuleDatabases, UnitOfWork, type EventEnvelope } from '@orderly/kernel';
import { startTestPostgres, type TestPostgres } from '@orderly/testing';
import type { DataSource } from 'typeorm';
import { SendOrderConfirmation } from '../../src/internal/application/send-order-confirmation.js';
import { NotificationQueries } from '../../src/internal/application/notification-queries.js';
import { notificationsDatabase } from '../../src/internal/infrastructure/notifications-database.js';
import { TypeOrmNotificationReader, TypeOrmNotificationsUnitOfWork } from '../../src/internal/infrastructure/typeorm-notifications.js';
import { FakeEmailTransport } from '../fakes/fakes.js';

let postgres: TestPostgres;
let dataSource: DataSource;

beforeAll(async () => {
  postgres = await startTestPostgres();
  const connections = await provisionModuleDatabases({ adminUrl: postgres.adminUrl, roleSecret: postgres.roleSecret, modules: [notificationsDatabase] });
  dataSource = createModuleDataSource(notificationsDatabase, connections.get('notifications')!);
  await dataSource.initialize();
});
afterAll(async () => {
  await dataSource?.destroy();
  await postgres?.stop();
});

it('handles a redelivered event exactly once, even when deliveries race', async () => {
  const transport = new FakeEmailTransport();
  const handler = new SendOrderConfirmation(new TypeOrmNotificationsUnitOfWork(new UnitOfWork(dataSource, 'notifications')), transport);
  const orderId = crypto.randomUUID();
  const event: EventEnvelope<any> = {
    id: crypto.randomUUID(), type: 'orders.OrderPlaced', version: 1, occurredAt: new Date().toISOString(),
    aggregateId: orderId, correlationId: 'c', causationId: null,
    payload: { orderId, customerId: 'sub-ada', customerEmail: 'ada@example.com', total: 5, lines: [{ productId: 'p', quantity: 1, lineTotal: 5 }] },
  };
  await Promise.all([handler.handle(event), handler.handle(event), handler.handle(event)]);
  const queries = new NotificationQueries(new TypeOrmNotificationReader(dataSource));
  const listed = await queries.forOrder(orderId, { kind: 'customer', customerId: 'sub-ada' });
  expect(listed.items).toHaveLength(1);
  expect(listed.items[0]).toMatchObject({ orderId, recipient: 'ada@example.com', status: 'sent' });
  // Another customer sees none, exactly as for an order id that does not exist; staff see it.
  expect(await queries.forOrder(orderId, { kind: 'customer', customerId: 'sub-bob' })).toEqual({ items: [] });
  expect(await queries.forOrder(orderId, { kind: 'everyone' })).toEqual(listed);
  expect(transport.sent).toHaveLength(1);
});
