import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@orderly/kernel';
import type { NotificationTemplate } from '../../contracts/dto.js';
import type { EmailMessage, EmailTransport } from '../../contracts/ports.js';
import type { NotificationsUnitOfWork } from './ports.js';

/**
 * Sends one e-mail about an order and records it, once per (event, handler). The e-mail is sent
 * inside the transaction that records it: if sending fails, nothing is recorded and the relay
 * retries; if the process dies after sending but before committing, the event is redelivered and
 * the e-mail is sent a second time (with the same Message-ID) - the one, small window for a
 * duplicate (docs/adr/0003).
 */
export async function sendEmailOnce(
  deps: { readonly uow: NotificationsUnitOfWork; readonly transport: EmailTransport; readonly newId?: () => string },
  event: EventEnvelope<{ readonly orderId: string; readonly customerId?: string }>,
  handler: string,
  template: NotificationTemplate,
  compose: () => EmailMessage,
): Promise<void> {
  await deps.uow.handleOnce(event, handler, async ({ notifications }) => {
    const message = { ...compose(), messageId: `${event.id}.${handler}@orderly` };
    await notifications.add({
      id: (deps.newId ?? randomUUID)(),
      orderId: event.payload.orderId,
      // Whose order it is: a customer's query for the notifications is scoped to it.
      customerId: event.payload.customerId ?? null,
      channel: 'email',
      recipient: message.to,
      template,
      status: 'sent',
      createdAt: new Date(),
    });
    // Last step before COMMIT, so the crash-after-send window is one commit round trip.
    await deps.transport.send(message);
  });
}
