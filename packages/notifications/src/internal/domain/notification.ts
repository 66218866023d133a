import type { NotificationChannel, NotificationStatus, NotificationTemplate } from '../../contracts/dto.js';

/** A record that a message was sent to someone about an order. */
export interface Notification {
  readonly id: string;
  readonly orderId: string;
  /** The subject the order belongs to; null for orders placed before identity. */
  readonly customerId: string | null;
  readonly channel: NotificationChannel;
  readonly recipient: string;
  readonly template: NotificationTemplate;
  readonly status: NotificationStatus;
  readonly createdAt: Date;
}
