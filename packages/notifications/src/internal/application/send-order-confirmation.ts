import type { EventEnvelope, EventHandler } from '@orderly/kernel';
import type { OrderConfirmationNeeded } from '../../contracts/events.js';
import { SEND_ORDER_CONFIRMATION } from '../../contracts/handlers.js';
import type { EmailTransport } from '../../contracts/ports.js';
import { composeOrderConfirmation } from '../domain/order-confirmation.js';
import type { NotificationsUnitOfWork } from './ports.js';
import { sendEmailOnce } from './send-email-once.js';

/** Sends the order confirmation once per placed order (subscribed to orders' OrderPlaced). */
export class SendOrderConfirmation implements EventHandler<OrderConfirmationNeeded> {
  readonly name = SEND_ORDER_CONFIRMATION.name;

  constructor(
    private readonly uow: NotificationsUnitOfWork,
    private readonly transport: EmailTransport,
    private readonly newId?: () => string,
  ) {}

  readonly handle = (event: EventEnvelope<OrderConfirmationNeeded>): Promise<void> =>
    sendEmailOnce({ uow: this.uow, transport: this.transport, newId: this.newId }, event, this.name, 'order-confirmation', () => composeOrderConfirmation(event.payload));
}
