// Contract test through @orderly/notifications' public entry only (its handler's behaviour is
// tested in test/unit, its storage and SMTP in test/integration).
import { defineEventSchema, isString, subscribe } from '@orderly/kernel';
import { EMAIL_TRANSPORT, notificationsDatabase, SEND_ORDER_CONFIRMATION, type OrderConfirmationNeeded } from '@orderly/notifications';

describe('@orderly/notifications public API', () => {
  it("declares its handler with the event it listens to and its inbox name (renaming it would resend old confirmations)", () => {
    expect(SEND_ORDER_CONFIRMATION).toMatchObject({ name: 'notifications.SendOrderConfirmation', listensTo: { type: 'orders.OrderPlaced', version: 1 } });
    const orderPlacedV2 = defineEventSchema<OrderConfirmationNeeded>({
      type: 'orders.OrderPlaced',
      version: 2,
      description: 'A later version the handler was not written for.',
      payload: { orderId: isString, customerEmail: isString },
    });
    expect(() => subscribe(orderPlacedV2, SEND_ORDER_CONFIRMATION)).toThrow(
      'notifications.SendOrderConfirmation listens to orders.OrderPlaced v1; it cannot be subscribed to orders.OrderPlaced v2.',
    );
  });

  it('declares its e-mail port, and the schema and role it provisions', () => {
    expect(EMAIL_TRANSPORT.description).toBe('orderly:port:notifications.EmailTransport');
    expect(EMAIL_TRANSPORT).not.toBe(SEND_ORDER_CONFIRMATION.token);
    expect(notificationsDatabase).toMatchObject({ module: 'notifications', schema: 'notifications', role: 'orderly_notifications' });
  });
});
