/**
 * The token scopes the notifications endpoint asks for (docs/adr/0011): notifications are about
 * orders, so reading them takes the same scopes as reading the orders.
 */
export const NOTIFICATION_SCOPES = {
  /** Read the notifications of one's own orders. */
  read: 'orders:read',
  /** Staff: read any order's notifications. */
  readAny: 'orders:read:any',
} as const;
