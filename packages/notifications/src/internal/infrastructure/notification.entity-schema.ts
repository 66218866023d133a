import { EntitySchema } from 'typeorm';
import type { Notification } from '../domain/notification.js';

export const NotificationEntity = new EntitySchema<Notification>({
  name: 'Notification',
  tableName: 'notifications',
  schema: 'notifications',
  columns: {
    id: { type: 'uuid', primary: true },
    orderId: { name: 'order_id', type: 'uuid' },
    customerId: { name: 'customer_id', type: 'text', nullable: true },
    channel: { type: 'text' },
    recipient: { type: 'text' },
    template: { type: 'text' },
    status: { type: 'text' },
    createdAt: { name: 'created_at', type: 'timestamptz' },
  },
});
