export type NotificationChannel = 'email';
export type NotificationTemplate = 'order-confirmation' | 'order-cancelled' | 'order-shipped';
export type NotificationStatus = 'sent';

export interface NotificationDto {
  readonly id: string;
  readonly orderId: string;
  readonly channel: NotificationChannel;
  readonly recipient: string;
  readonly template: NotificationTemplate;
  readonly status: NotificationStatus;
  readonly createdAt: string;
}

/**
 * Whose notifications a query may see: every one (staff, `orders:read:any`) or those about one
 * customer's orders. Another customer's notifications look exactly like none.
 */
export type NotificationAudience = { readonly kind: 'everyone' } | { readonly kind: 'customer'; readonly customerId: string };

export interface NotificationListDto {
  readonly items: readonly NotificationDto[];
}
