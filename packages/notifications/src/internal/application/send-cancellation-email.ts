import type { EventEnvelope, EventHandler } from '@orderly/kernel';
import type { OrderCancellationNotice } from '../../contracts/events.js';
import { SEND_CANCELLATION_EMAIL } from '../../contracts/handlers.js';
import type { EmailTransport } from '../../contracts/ports.js';
import { composeCancellationEmail } from '../domain/order-status-emails.js';
import type { NotificationsUnitOfWork } from './ports.js';
import { sendEmailOnce } from './send-email-once.js';

/** Tells the customer their order was cancelled, once (subscribed to orders' OrderCancelled). */
export class SendCancellationEmail implements EventHandler<OrderCancellationNotice> {
  readonly name = SEND_CANCELLATION_EMAIL.name;

  constructor(
    private readonly uow: NotificationsUnitOfWork,
    private readonly transport: EmailTransport,
    private readonly newId?: () => string,
  ) {}

  readonly handle = (event: EventEnvelope<OrderCancellationNotice>): Promise<void> =>
    sendEmailOnce({ uow: this.uow, transport: this.transport, newId: this.newId }, event, this.name, 'order-cancelled', () => composeCancellationEmail(event.payload));
}
