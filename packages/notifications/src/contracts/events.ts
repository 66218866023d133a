/**
 * Events notifications reacts to, in notifications' own terms (consumer-driven): it never
 * imports the orders module. apps/api subscribes each handler to one of orders' events, and
 * TypeScript checks there that orders' payload carries at least these fields.
 */
export interface OrderConfirmationNeeded {
  readonly orderId: string;
  /** The subject (token `sub`) the order belongs to; absent for orders placed before identity. */
  readonly customerId?: string;
  readonly customerEmail: string;
  readonly total: number;
  readonly lines: readonly { readonly productId: string; readonly quantity: number; readonly lineTotal: number }[];
}

/** An order was cancelled (apps/api subscribes this to orders' OrderCancelled). */
export interface OrderCancellationNotice {
  readonly orderId: string;
  readonly customerId?: string;
  readonly customerEmail: string;
  readonly total: number;
}

/** An order was shipped (apps/api subscribes this to orders' OrderShipped). */
export interface OrderShipmentNotice {
  readonly orderId: string;
  readonly customerId?: string;
  readonly customerEmail: string;
}
