import { defineEventSchema, isString, type EventSchema } from '@orderly/kernel/domain';

/**
 * Events products reacts to, described in products' own terms (consumer-driven): products never
 * imports the orders module. apps/api subscribes products' handlers to orders' events, and
 * TypeScript checks there that orders' payload carries at least what is declared here.
 */
export interface OrderCommittedNotice {
  readonly orderId: string;
}

/** Orders decided that an order will never be placed: its reserved stock can go back. */
export interface OrderAbandonedNotice {
  readonly orderId: string;
}

/** A placed order was cancelled: the stock sold (or still reserved) for it goes back on the shelf. */
export interface OrderCancelledNotice {
  readonly orderId: string;
}

/**
 * Published by the reservation sweeper when stock reserved for an order has waited longer than
 * the reservation TTL without the order being confirmed. Products does not release it on its own:
 * only orders can decide, once and for all, that the order will never commit (it answers with
 * OrderAbandoned, or the order's OrderPlaced confirms the reservation).
 */
export interface StockReservationExpired {
  readonly orderId: string;
  readonly expiredAt: string;
}

export const StockReservationExpiredV1: EventSchema<StockReservationExpired> = defineEventSchema({
  type: 'products.StockReservationExpired',
  version: 1,
  description: 'Stock reserved for an order waited longer than the reservation TTL without the order being confirmed.',
  payload: { orderId: isString, expiredAt: isString },
});
