import type { EventEnvelope, EventHandler } from '@orderly/kernel';
import type { OrderShipmentNotice } from '../../contracts/events.js';
import { SEND_SHIPPED_EMAIL } from '../../contracts/handlers.js';
import type { EmailTransport } from '../../contracts/ports.js';
import { composeShippedEmail } from '../domain/order-status-emails.js';
import type { NotificationsUnitOfWork } from './ports.js';
import { sendEmailOnce } from './send-email-once.js';

/** Tells the customer their order is on its way, once (subscribed to orders' OrderShipped). */
export class SendShippedEmail implements EventHandler<OrderShipmentNotice> {
  readonly name = SEND_SHIPPED_EMAIL.name;

  constructor(
    private readonly uow: NotificationsUnitOfWork,
    private readonly transport: EmailTransport,
    private readonly newId?: () => string,
  ) {}

  readonly handle = (event: EventEnvelope<OrderShipmentNotice>): Promise<void> =>
    sendEmailOnce({ uow: this.uow, transport: this.transport, newId: this.newId }, event, this.name, 'order-shipped', () => composeShippedEmail(event.payload));
}
