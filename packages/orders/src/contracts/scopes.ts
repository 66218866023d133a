/**
 * The token scopes orders' operations ask for (docs/adr/0011). A customer's token carries
 * `orders:write orders:read`; staff's adds `orders:read:any` and `orders:fulfil`.
 */
export const ORDER_SCOPES = {
  /** Place orders for oneself (the body's customerEmail must be the token's email), cancel one's own orders. */
  write: 'orders:write',
  /** Read one's own orders and their notifications. */
  read: 'orders:read',
  /** Staff: read any order, list or filter orders by any e-mail, read any notification. */
  readAny: 'orders:read:any',
  /** Staff: ship any order, cancel any order. */
  fulfil: 'orders:fulfil',
} as const;
