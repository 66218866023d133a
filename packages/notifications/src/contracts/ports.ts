import { portToken } from '@orderly/kernel';

export interface EmailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

/** How an email leaves the system. Throwing means "not sent": the event is retried. */
export interface EmailTransport {
  send(message: EmailMessage): Promise<void>;
}

export const EMAIL_TRANSPORT = portToken<EmailTransport>('notifications.EmailTransport');
