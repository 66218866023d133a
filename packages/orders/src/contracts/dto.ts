/** What orders promises to the outside world: plain data, no behaviour. */

export interface OrderItemInput {
  readonly productId: string;
  readonly quantity: number;
}

export interface PlaceOrderDto {
  readonly customerEmail: string;
  readonly items: readonly OrderItemInput[];
}

export interface OrderLineDto {
  readonly productId: string;
  readonly quantity: number;
  /** Price per unit when the order was placed, in integer minor units. */
  readonly unitPrice: number;
  readonly lineTotal: number;
}

/** `confirmed` when placed; then `shipped` or `cancelled`, both final. */
export type OrderStatus = 'confirmed' | 'shipped' | 'cancelled';

export interface OrderDto {
  readonly id: string;
  readonly status: OrderStatus;
  /** When the order got its current status (its placement time while confirmed). */
  readonly statusChangedAt: string;
  readonly customerEmail: string;
  readonly items: readonly OrderLineDto[];
  readonly total: number;
  readonly createdAt: string;
}

/** One row of the order history read model (GET /orders): a summary, not the full order. */
export interface OrderSummaryDto {
  readonly id: string;
  readonly customerEmail: string;
  readonly total: number;
  /** Units over all lines. */
  readonly itemCount: number;
  readonly placedAt: string;
  readonly status: OrderStatus;
  readonly statusChangedAt: string;
}

export interface OrderSummaryPageDto {
  readonly items: readonly OrderSummaryDto[];
  /** Pass as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
}
