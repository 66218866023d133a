import { defineEventSchema, isArrayOf, isInteger, isIsoDate, isString, optional, type EventSchema } from '@orderly/kernel/domain';

/** Published when an order has been committed: its stock is reserved and its lines priced. */
export interface OrderPlaced {
  readonly orderId: string;
  /** The subject (token `sub`) the order belongs to; absent in events of orders placed before identity. */
  readonly customerId?: string;
  readonly customerEmail: string;
  readonly lines: readonly { readonly productId: string; readonly quantity: number; readonly unitPrice: number; readonly lineTotal: number }[];
  readonly total: number;
  readonly placedAt: string;
}

export const OrderPlacedV1: EventSchema<OrderPlaced> = defineEventSchema({
  type: 'orders.OrderPlaced',
  version: 1,
  description: 'An order has been committed: its stock is reserved and its lines priced (amounts in cents).',
  payload: {
    orderId: isString,
    customerId: optional(isString),
    customerEmail: isString,
    lines: isArrayOf({ productId: isString, quantity: isInteger, unitPrice: isInteger, lineTotal: isInteger }),
    total: isInteger,
    placedAt: isIsoDate,
  },
});

/**
 * Published when orders has decided, once and for all, that an order id will never be placed
 * (its placement failed, or its stock reservation expired before it committed). Whoever holds
 * something for that order may let it go.
 */
export interface OrderAbandoned {
  readonly orderId: string;
  readonly abandonedAt: string;
}

export const OrderAbandonedV1: EventSchema<OrderAbandoned> = defineEventSchema({
  type: 'orders.OrderAbandoned',
  version: 1,
  description: 'Orders decided that this order id will never be placed; whatever is held for it may be let go.',
  payload: { orderId: isString, abandonedAt: isIsoDate },
});

/**
 * Published when a confirmed order has been cancelled (by its customer or by staff). It will never
 * ship: whoever sold, reserved or promised something for it may take it back. `lines` are the
 * quantities the order had; products returns what it holds for the order, once.
 */
export interface OrderCancelled {
  readonly orderId: string;
  /** The subject the order belongs to; absent for orders placed before identity. */
  readonly customerId?: string;
  readonly customerEmail: string;
  readonly lines: readonly { readonly productId: string; readonly quantity: number }[];
  readonly total: number;
  readonly cancelledAt: string;
}

export const OrderCancelledV1: EventSchema<OrderCancelled> = defineEventSchema({
  type: 'orders.OrderCancelled',
  version: 1,
  description: 'A confirmed order has been cancelled and will never ship; lines are the quantities it had (amounts in cents).',
  payload: {
    orderId: isString,
    customerId: optional(isString),
    customerEmail: isString,
    lines: isArrayOf({ productId: isString, quantity: isInteger }),
    total: isInteger,
    cancelledAt: isIsoDate,
  },
});

/** Published when staff have shipped a confirmed order; it can no longer be cancelled. */
export interface OrderShipped {
  readonly orderId: string;
  /** The subject the order belongs to; absent for orders placed before identity. */
  readonly customerId?: string;
  readonly customerEmail: string;
  readonly shippedAt: string;
}

export const OrderShippedV1: EventSchema<OrderShipped> = defineEventSchema({
  type: 'orders.OrderShipped',
  version: 1,
  description: 'A confirmed order has been handed to the carrier.',
  payload: { orderId: isString, customerId: optional(isString), customerEmail: isString, shippedAt: isIsoDate },
});

/**
 * What orders needs to hear when stock reserved for an order has waited too long (in orders'
 * own terms; apps/api subscribes it to products' StockReservationExpired).
 */
export interface ReservationExpiryNotice {
  readonly orderId: string;
}
