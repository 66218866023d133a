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

export type OrderStatus = 'confirmed';

export interface OrderDto {
  readonly id: string;
  readonly status: OrderStatus;
  readonly customerEmail: string;
  readonly items: readonly OrderLineDto[];
  readonly total: number;
  readonly createdAt: string;
}
