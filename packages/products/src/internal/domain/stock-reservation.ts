/**
 * Stock set aside for one line of one order. `reserved` until the order commits (`confirmed`,
 * the stock is sold) or is abandoned (`released`, the stock is back on the shelf). Every unit of
 * stock is always in exactly one place: on the shelf, reserved, or sold.
 */
export type ReservationStatus = 'reserved' | 'confirmed' | 'released';

export interface StockReservation {
  readonly orderId: string;
  readonly productId: string;
  readonly quantity: number;
  readonly unitPrice: number;
  readonly status: ReservationStatus;
  readonly expiresAt: Date;
}
