// SendOrderConfirmation with fakes of its ports (moved here from the contract test: the handler is
// internal; apps/api reaches it only through SEND_ORDER_CONFIRMATION).
import type { EventEnvelope } from '@orderly/kernel';
import type { OrderConfirmationNeeded } from '../../src/contracts/events.js';
import { SendOrderConfirmation } from '../../src/internal/application/send-order-confirmation.js';
import { FakeEmailTransport, FakeNotificationsUnitOfWork } from '../fakes/fakes.js';

const event: EventEnvelope<OrderConfirmationNeeded> = {
  id: 'e-1',
  type: 'orders.OrderPlaced',
  version: 1,
  occurredAt: '2026-01-01T00:00:00.000Z',
  aggregateId: 'o-1',
  correlationId: 'c-1',
  causationId: null,
  payload: { orderId: 'o-1', customerEmail: 'ada@example.com', total: 100, lines: [{ productId: 'p', quantity: 1, lineTotal: 100 }] },
};

describe('SendOrderConfirmation', () => {
  it('sends one confirmation per order event and records it, however often the event arrives', async () => {
    const uow = new FakeNotificationsUnitOfWork();
    const transport = new FakeEmailTransport();
    const handler = new SendOrderConfirmation(uow, transport);
    await handler.handle(event);
    await handler.handle(event);
    expect(transport.sent.map((m) => m.to)).toEqual(['ada@example.com']);
    expect(uow.notifications).toEqual([
      expect.objectContaining({ orderId: 'o-1', channel: 'email', recipient: 'ada@example.com', template: 'order-confirmation', status: 'sent' }),
    ]);
  });

  it('records nothing when the transport fails, so the relay retries', async () => {
    const uow = new FakeNotificationsUnitOfWork();
    const transport = new FakeEmailTransport();
    transport.failures = 1;
    const handler = new SendOrderConfirmation(uow, transport);
    await expect(handler.handle(event)).rejects.toThrow('SMTP server unavailable');
    expect(uow.notifications).toEqual([]);
    await handler.handle(event);
    expect(uow.notifications).toHaveLength(1);
  });

  it('records under the name it is declared with', () => {
    expect(new SendOrderConfirmation(new FakeNotificationsUnitOfWork(), new FakeEmailTransport()).name).toBe('notifications.SendOrderConfirmation');
  });
});
