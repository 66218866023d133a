// @orderly/notifications - public API: its contracts, its Nest module and its database definition.
// Everything else in this package is internal.
//
// Provides: the notifications HTTP endpoint. Handles (declared in contracts/handlers.ts,
// subscribed by apps/api): orders' OrderPlaced (SEND_ORDER_CONFIRMATION), OrderCancelled
// (SEND_CANCELLATION_EMAIL) and OrderShipped (SEND_SHIPPED_EMAIL). Needs: an e-mail transport
// (EMAIL_TRANSPORT): SMTP when the module is given smtpUrl, the log otherwise.

export type {
  NotificationAudience,
  NotificationChannel,
  NotificationDto,
  NotificationListDto,
  NotificationStatus,
  NotificationTemplate,
} from './contracts/dto.js';
export { NOTIFICATION_SCOPES } from './contracts/scopes.js';
export type { OrderCancellationNotice, OrderConfirmationNeeded, OrderShipmentNotice } from './contracts/events.js';
export { SEND_CANCELLATION_EMAIL, SEND_ORDER_CONFIRMATION, SEND_SHIPPED_EMAIL } from './contracts/handlers.js';
export { EMAIL_TRANSPORT, type EmailMessage, type EmailTransport } from './contracts/ports.js';

export { NotificationsModule, type NotificationsModuleOptions } from './internal/notifications.module.js';
export { notificationsDatabase } from './internal/infrastructure/notifications-database.js';
