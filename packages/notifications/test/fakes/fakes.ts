import type { EventEnvelope } from '@orderly/kernel';
// Fakes of notifications' ports: the application ports are internal, so they come by relative path.
import type { EmailMessage, EmailTransport } from '../../src/contracts/ports.js';
import type { NotificationsScope, NotificationsUnitOfWork } from '../../src/internal/application/ports.js';

type Notification = Parameters<NotificationsScope['notifications']['add']>[0];

export class FakeNotificationsUnitOfWork implements NotificationsUnitOfWork {
  readonly notifications: Notification[] = [];
  readonly inbox = new Set<string>();

  async handleOnce(event: EventEnvelope, handler: string, work: (scope: NotificationsScope) => Promise<void>): Promise<boolean> {
    const key = `${event.id}:${handler}`;
    if (this.inbox.has(key)) return false;
    const added: Notification[] = [];
    await work({ notifications: { add: async (n) => void added.push(n) } });
    this.notifications.push(...added);
    this.inbox.add(key);
    return true;
  }
}

export class FakeEmailTransport implements EmailTransport {
  readonly sent: EmailMessage[] = [];
  failures = 0;

  async send(message: EmailMessage): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('SMTP server unavailable');
    }
    this.sent.push(message);
  }
}
