import type { EventEnvelope } from '@orderly/kernel';
import { SendCancellationEmail } from '../../src/internal/application/send-cancellation-email.js';
import { SendShippedEmail } from '../../src/internal/application/send-shipped-email.js';
import { composeCancellationEmail, composeShippedEmail } from '../../src/internal/domain/order-status-emails.js';
import { FakeEmailTransport, FakeNotificationsUnitOfWork } from '../fakes/fakes.js';

const envelope = <T>(id: string, type: string, payload: T): EventEnvelope<T> => ({
  id,
  type,
  version: 1,
  occurredAt: '2026-01-01T00:00:00.000Z',
  aggregateId: 'o-1',
  correlationId: 'c-1',
  causationId: null,
  payload,
});

describe('the order status e-mails', () => {
  it('tell the customer about a cancellation and a shipment', () => {
    expect(composeCancellationEmail({ orderId: 'o-1', customerEmail: 'ada@example.com', total: 3847 })).toEqual({
      to: 'ada@example.com',
      subject: 'Your order o-1 is cancelled',
      text: 'Your order o-1 (total 38.47) has been cancelled.\nNothing will be shipped.',
    });
    expect(composeShippedEmail({ orderId: 'o-1', customerEmail: 'ada@example.com' })).toEqual({
      to: 'ada@example.com',
      subject: 'Your order o-1 has shipped',
      text: 'Your order o-1 is on its way.',
    });
  });

  it('are sent and recorded once per event, however often it arrives, each with its template', async () => {
    const uow = new FakeNotificationsUnitOfWork();
    const transport = new FakeEmailTransport();
    const cancelled = envelope('e-1', 'orders.OrderCancelled', { orderId: 'o-1', customerEmail: 'ada@example.com', total: 100 });
    const shipped = envelope('e-2', 'orders.OrderShipped', { orderId: 'o-2', customerEmail: 'bob@example.com' });
    const sendCancellation = new SendCancellationEmail(uow, transport);
    const sendShipped = new SendShippedEmail(uow, transport);
    await sendCancellation.handle(cancelled);
    await sendCancellation.handle(cancelled);
    await sendShipped.handle(shipped);
    await sendShipped.handle(shipped);
    expect(transport.sent.map((m) => [m.to, m.subject, m.messageId])).toEqual([
      ['ada@example.com', 'Your order o-1 is cancelled', 'e-1.notifications.SendCancellationEmail@orderly'],
      ['bob@example.com', 'Your order o-2 has shipped', 'e-2.notifications.SendShippedEmail@orderly'],
    ]);
    expect(uow.notifications.map((n) => [n.orderId, n.template, n.recipient])).toEqual([
      ['o-1', 'order-cancelled', 'ada@example.com'],
      ['o-2', 'order-shipped', 'bob@example.com'],
    ]);
  });
});
