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

export interface NotificationListDto {
  readonly items: readonly NotificationDto[];
}
