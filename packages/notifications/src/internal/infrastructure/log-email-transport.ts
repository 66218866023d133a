import { Logger } from '@nestjs/common';
import { maskEmail } from '@orderly/kernel';
import type { EmailMessage, EmailTransport } from '../../contracts/ports.js';

/** The default transport: writes the email to the log instead of sending it - the recipient masked (no personal data in logs). */
export class LogEmailTransport implements EmailTransport {
  private readonly logger = new Logger('Email');

  async send(message: EmailMessage): Promise<void> {
    this.logger.log(`to=${maskEmail(message.to)} subject="${message.subject}"`);
  }
}
