import { portToken } from '@orderly/kernel/domain';

export interface EmailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /**
   * Stable per (event, handler): a redelivery that sends again (the crash-after-send window)
   * sends the same Message-ID, which mail clients and many servers use to drop the duplicate.
   */
  readonly messageId?: string;
}

/** How an email leaves the system. Throwing means "not sent": the event is retried. */
export interface EmailTransport {
  send(message: EmailMessage): Promise<void>;
}

export const EMAIL_TRANSPORT = portToken<EmailTransport>('notifications.EmailTransport');
