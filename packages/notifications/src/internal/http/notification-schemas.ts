import { namedSchema } from '@orderly/kernel';

/** Response bodies of the notifications endpoints, for the OpenAPI document. */

export const NotificationSchema = namedSchema('Notification', {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'orderId', 'channel', 'recipient', 'template', 'status', 'createdAt'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    orderId: { type: 'string', format: 'uuid' },
    channel: { type: 'string', enum: ['email'] },
    recipient: { type: 'string' },
    template: { type: 'string', enum: ['order-confirmation', 'order-cancelled', 'order-shipped'] },
    status: { type: 'string', enum: ['sent'] },
    createdAt: { type: 'string', format: 'date-time' },
  },
});

export const NotificationListSchema = namedSchema('NotificationList', {
  type: 'object',
  additionalProperties: false,
  required: ['items'],
  properties: { items: { type: 'array', items: NotificationSchema } },
});
