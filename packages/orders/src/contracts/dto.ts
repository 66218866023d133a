/** What orders promises to the outside world: plain data, no behaviour. */

export interface OrderItemInput {
  readonly productId: string;
  readonly quantity: number;
}

export interface PlaceOrderDto {
  readonly customerEmail: string;
  readonly items: readonly OrderItemInput[];
}

/** The customer a use case acts for, as a verified token says: its subject (`sub`) and e-mail. */
export interface CustomerIdentity {
  readonly customerId: string;
  readonly email: string | null;
}

/** An order request together with who places it; `customerEmail` must be the customer's own. */
export interface PlaceOrderCommand extends PlaceOrderDto {
  readonly placedBy: CustomerIdentity;
}

/**
 * Whose orders a query may see: every order (staff, `orders:read:any`) or one customer's own. An
 * order outside the audience is answered exactly like one that does not exist.
 */
export type OrderAudience = { readonly kind: 'everyone' } | { readonly kind: 'customer'; readonly customerId: string };

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
