import { checkObject, isArrayOf, isInteger, isIsoDate, isString, type EventSchema } from '@orderly/kernel';

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
