import { createTransport, type Transporter } from 'nodemailer';
import type { EmailMessage, EmailTransport } from '../../contracts/ports.js';

export interface SmtpEmailTransportOptions {
  /** smtp://user:pass@host:port or smtps://... (nodemailer connection URL). */
  readonly url: string;
  readonly from?: string;
  /**
   * Bounds on a stuck server. The send runs inside the handler's transaction and the relay's
   * batch, so a server that accepts the connection and then hangs must not hold them for
   * nodemailer's default minutes: it fails, and the relay retries with backoff.
   */
  readonly timeoutMs?: number;
}

/**
 * Sends email through an SMTP server. Throws when the server does not accept the message (down,
 * refusing, timing out): the caller's transaction rolls back and the event is retried.
 */
export class SmtpEmailTransport implements EmailTransport {
  private readonly transporter: Transporter;
  private readonly from: string;

  constructor(options: SmtpEmailTransportOptions) {
    const timeoutMs = options.timeoutMs ?? 10_000;
    this.transporter = createTransport({
      url: options.url,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    });
    this.from = options.from ?? 'Orderly <orders@orderly.invalid>';
  }

  async send(message: EmailMessage): Promise<void> {
    await this.transporter.sendMail({
      from: this.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      ...(message.messageId ? { messageId: `<${message.messageId}>` } : {}),
    });
  }

  close(): void {
    this.transporter.close();
  }
}
