import { randomUUID } from 'node:crypto';
import type { EventEnvelope, EventHandler } from '@orderly/kernel';
import type { OrderConfirmationNeeded } from '../../contracts/events.js';
import { SEND_ORDER_CONFIRMATION } from '../../contracts/handlers.js';
import type { EmailTransport } from '../../contracts/ports.js';
import { composeOrderConfirmation } from '../domain/order-confirmation.js';
import type { NotificationsUnitOfWork } from './ports.js';

/**
 * Sends the order confirmation and records it, once per order event. The email is sent inside
 * the transaction that records it: if sending fails, nothing is recorded and the relay retries;
 * if the process dies after sending but before committing, the event is redelivered and the
 * email is sent a second time (with the same Message-ID) - the one, small window for a
 * duplicate (docs/adr/0003).
 */
export class SendOrderConfirmation implements EventHandler<OrderConfirmationNeeded> {
  readonly name = SEND_ORDER_CONFIRMATION.name;

  constructor(
    private readonly uow: NotificationsUnitOfWork,
    private readonly transport: EmailTransport,
    private readonly newId: () => string = randomUUID,
  ) {}

  readonly handle = async (event: EventEnvelope<OrderConfirmationNeeded>): Promise<void> => {
    await this.uow.handleOnce(event, this.name, async ({ notifications }) => {
      const message = { ...composeOrderConfirmation(event.payload), messageId: `${event.id}.${this.name}@orderly` };
      await notifications.add({
        id: this.newId(),
        orderId: event.payload.orderId,
        channel: 'email',
        recipient: message.to,
        template: 'order-confirmation',
        status: 'sent',
        createdAt: new Date(),
      });
      // Last step before COMMIT, so the crash-after-send window is one commit round trip.
      await this.transport.send(message);
    });
  };
}
