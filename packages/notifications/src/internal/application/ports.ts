import type { EventEnvelope } from '@orderly/kernel';
import type { NotificationAudience } from '../../contracts/dto.js';
import type { Notification } from '../domain/notification.js';

export interface NotificationRepository {
  add(notification: Notification): Promise<void>;
}

export interface NotificationsScope {
  readonly notifications: NotificationRepository;
}

export interface NotificationsUnitOfWork {
  /** Runs `work` at most once per (event, handler): the inbox row commits with the effect. */
  handleOnce(event: EventEnvelope, handler: string, work: (scope: NotificationsScope) => Promise<void>): Promise<boolean>;
}

export interface NotificationReader {
  /** The order's notifications the audience may see, oldest first. */
  forOrder(orderId: string, audience: NotificationAudience): Promise<Notification[]>;
}
