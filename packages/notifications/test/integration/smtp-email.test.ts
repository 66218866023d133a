// Integration: real email through a real SMTP server (npm smtp-server), and what an outage does
// to an order confirmation: nothing is recorded until the server accepts the message.
import { createModuleDataSource, provisionModuleDatabases, UnitOfWork, type EventEnvelope } from '@orderly/kernel';
import { startTestPostgres, startTestSmtpServer, type TestPostgres, type TestSmtpServer } from '@orderly/testing';
import type { DataSource } from 'typeorm';
import type { OrderConfirmationNeeded } from '../../src/contracts/events.js';
import { SmtpEmailTransport } from '../../src/internal/infrastructure/smtp-email-transport.js';
import { SendOrderConfirmation } from '../../src/internal/application/send-order-confirmation.js';
import { NotificationQueries } from '../../src/internal/application/notification-queries.js';
import { notificationsDatabase } from '../../src/internal/infrastructure/notifications-database.js';
import { TypeOrmNotificationReader, TypeOrmNotificationsUnitOfWork } from '../../src/internal/infrastructure/typeorm-notifications.js';

let postgres: TestPostgres;
let dataSource: DataSource;
let smtp: TestSmtpServer;
let transport: SmtpEmailTransport;

beforeAll(async () => {
  postgres = await startTestPostgres();
  const connections = await provisionModuleDatabases({ adminUrl: postgres.adminUrl, roleSecret: postgres.roleSecret, modules: [notificationsDatabase] });
  dataSource = createModuleDataSource(notificationsDatabase, connections.get('notifications')!);
  await dataSource.initialize();
  smtp = await startTestSmtpServer();
  transport = new SmtpEmailTransport({ url: smtp.url });
});
afterAll(async () => {
  transport?.close();
  await smtp?.stop();
  await dataSource?.destroy();
  await postgres?.stop();
});

function orderPlaced(): EventEnvelope<OrderConfirmationNeeded> {
  const orderId = crypto.randomUUID();
  return {
    id: crypto.randomUUID(), type: 'orders.OrderPlaced', version: 1, occurredAt: new Date().toISOString(),
    aggregateId: orderId, correlationId: 'c', causationId: null,
    payload: { orderId, customerEmail: 'grace@example.com', total: 1250, lines: [{ productId: 'p-1', quantity: 1, lineTotal: 1250 }] },
  };
}

const handler = () => new SendOrderConfirmation(new TypeOrmNotificationsUnitOfWork(new UnitOfWork(dataSource, 'notifications')), transport);
const recorded = async (orderId: string) =>
  (await new NotificationQueries(new TypeOrmNotificationReader(dataSource)).forOrder(orderId, { kind: 'everyone' })).items;

it('sends the order confirmation through SMTP with a Message-ID stable per event', async () => {
  const event = orderPlaced();
  const before = smtp.received.length;
  await handler().handle(event);
  const email = smtp.received[before]!;
  expect(email.to).toEqual(['grace@example.com']);
  expect(email.raw).toContain(`Subject: Your order ${event.payload.orderId} is confirmed`);
  expect(email.raw.replace(/\r?\n\s+/g, ' ')).toContain(`Message-ID: <${event.id}.notifications.SendOrderConfirmation@orderly>`);
  expect(email.raw).toContain('Total: 12.50');
  expect(await recorded(event.payload.orderId)).toHaveLength(1);
});

it('records nothing while the server refuses or is down, and sends once when it is back', async () => {
  const event = orderPlaced();
  const before = smtp.received.length;

  smtp.refuse();
  await expect(handler().handle(event)).rejects.toThrow(/451|temporarily unavailable/i);
  await smtp.stop();
  await expect(handler().handle(event)).rejects.toThrow(/ECONNREFUSED|connect/i);
  expect(await recorded(event.payload.orderId)).toEqual([]);

  await smtp.start();
  smtp.recover();
  await handler().handle(event); // the relay's retry
  await handler().handle(event); // a redelivery after that changes nothing
  expect(smtp.received.length - before).toBe(1);
  expect(await recorded(event.payload.orderId)).toHaveLength(1);
});
