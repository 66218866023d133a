import { checkObject, isArrayOf, isInteger, isIsoDate, isString, type EventSchema } from '@orderly/kernel/domain';

/** Published when an order has been committed: its stock is reserved and its lines priced. */
export interface OrderPlaced {
  readonly orderId: string;
  readonly customerEmail: string;
  readonly lines: readonly { readonly productId: string; readonly quantity: number; readonly unitPrice: number; readonly lineTotal: number }[];
  readonly total: number;
  readonly placedAt: string;
}

export const OrderPlacedV1: EventSchema<OrderPlaced> = {
  type: 'orders.OrderPlaced',
  version: 1,
  problems: (payload) =>
    checkObject(payload, {
      orderId: isString,
      customerEmail: isString,
      lines: isArrayOf({ productId: isString, quantity: isInteger, unitPrice: isInteger, lineTotal: isInteger }),
      total: isInteger,
      placedAt: isIsoDate,
    }),
};

/**
 * Published when orders has decided, once and for all, that an order id will never be placed
 * (its placement failed, or its stock reservation expired before it committed). Whoever holds
 * something for that order may let it go.
 */
export interface OrderAbandoned {
  readonly orderId: string;
  readonly abandonedAt: string;
}

export const OrderAbandonedV1: EventSchema<OrderAbandoned> = {
  type: 'orders.OrderAbandoned',
  version: 1,
  problems: (payload) => checkObject(payload, { orderId: isString, abandonedAt: isIsoDate }),
};

/**
 * What orders needs to hear when stock reserved for an order has waited too long (in orders'
 * own terms; apps/api subscribes it to products' StockReservationExpired).
 */
export interface ReservationExpiryNotice {
  readonly orderId: string;
}
