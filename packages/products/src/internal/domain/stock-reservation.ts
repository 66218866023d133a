/**
 * Stock set aside for one line of one order. `reserved` until the order commits (`confirmed`,
 * the stock is sold) or is abandoned (`released`, the stock is back on the shelf); a placed order
 * that is cancelled gives its stock back (`returned`, from `confirmed`, or from `reserved` when
 * the cancellation overtook the confirmation). Every unit of stock is always in exactly one
 * place: on the shelf, reserved, or sold.
 */
export type ReservationStatus = 'reserved' | 'confirmed' | 'released' | 'returned';

export interface StockReservation {
  readonly orderId: string;
  readonly productId: string;
  readonly quantity: number;
  readonly unitPrice: number;
  readonly status: ReservationStatus;
  readonly expiresAt: Date;
}
