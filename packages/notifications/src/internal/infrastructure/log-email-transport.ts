import { Logger } from '@nestjs/common';
import type { EmailMessage, EmailTransport } from '../../contracts/ports.js';

/** The default transport: writes the email to the log instead of sending it. */
export class LogEmailTransport implements EmailTransport {
  private readonly logger = new Logger('Email');

  async send(message: EmailMessage): Promise<void> {
    this.logger.log(`to=${message.to} subject="${message.subject}"`);
  }
}
