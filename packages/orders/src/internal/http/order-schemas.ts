import { namedSchema } from '@orderly/kernel';

/** Response bodies and problem members of the orders endpoints, for the OpenAPI document. */

const ORDER_STATUS = {
  type: 'string',
  enum: ['confirmed', 'shipped', 'cancelled'],
  description: '`confirmed` when placed; then `shipped` or `cancelled`, both final.',
} as const;

export const OrderSchema = namedSchema('Order', {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'status', 'statusChangedAt', 'customerEmail', 'items', 'total', 'createdAt'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    status: ORDER_STATUS,
    statusChangedAt: { type: 'string', format: 'date-time', description: 'When the order got its current status (its placement time while confirmed).' },
    customerEmail: { type: 'string', format: 'email' },
    items: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['productId', 'quantity', 'unitPrice', 'lineTotal'],
        properties: {
          productId: { type: 'string', format: 'uuid' },
          quantity: { type: 'integer', minimum: 1 },
          unitPrice: { type: 'integer', minimum: 0, description: 'Price per unit when the order was placed, in minor units.' },
          lineTotal: { type: 'integer', minimum: 0 },
        },
      },
    },
    total: { type: 'integer', minimum: 0, description: 'Sum of the line totals, in minor units.' },
    createdAt: { type: 'string', format: 'date-time' },
  },
});

export const ShortLineSchema = namedSchema('ShortLine', {
  type: 'object',
  additionalProperties: false,
  required: ['productId', 'requested', 'available'],
  properties: {
    productId: { type: 'string', format: 'uuid' },
    requested: { type: 'integer', minimum: 1 },
    available: { type: 'integer', minimum: 0 },
  },
});

/** issue 5: `Idempotency-Key` on POST /orders. */
export const IdempotencyKeyHeader = {
  name: 'Idempotency-Key',
  required: false,
  description:
    'Makes placing an order safe to retry: the same key with the same body answers with the same order ' +
    '(same status and body) and reserves nothing more; the same key with a different body is refused with 422; ' +
    'a repeat while the first request is still running gets 409 (or waits for it), never a second order.',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7E]+$' },
} as const;

export const OrderSummaryPageSchema = namedSchema('OrderSummaryPage', {
  type: 'object',
  additionalProperties: false,
  required: ['items', 'nextCursor'],
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'customerEmail', 'total', 'itemCount', 'placedAt', 'status', 'statusChangedAt'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          customerEmail: { type: 'string', format: 'email' },
          total: { type: 'integer', minimum: 0, description: 'In minor units.' },
          itemCount: { type: 'integer', minimum: 1, description: 'Units over all lines.' },
          placedAt: { type: 'string', format: 'date-time' },
          status: ORDER_STATUS,
          statusChangedAt: { type: 'string', format: 'date-time' },
        },
      },
    },
    nextCursor: { type: ['string', 'null'], description: 'Pass as `cursor` for the next page; null on the last page.' },
  },
});
