// @orderly/notifications - public API. Everything else in this package is internal.
//
// Provides: SendOrderConfirmation, SendCancellationEmail and SendShippedEmail (subscribed by
// apps/api to orders' OrderPlaced, OrderCancelled and OrderShipped), the notifications HTTP endpoint. Needs: an EmailTransport (SmtpEmailTransport when
// SMTP_URL is set, the log transport otherwise).

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
export { EMAIL_TRANSPORT, type EmailMessage, type EmailTransport } from './contracts/ports.js';

export { NotificationsModule, type NotificationsModuleOptions } from './internal/notifications.module.js';
export { notificationsDatabase } from './internal/infrastructure/notifications-database.js';
export { SmtpEmailTransport, type SmtpEmailTransportOptions } from './internal/infrastructure/smtp-email-transport.js';
export { SendOrderConfirmation } from './internal/application/send-order-confirmation.js';
export { SendCancellationEmail } from './internal/application/send-cancellation-email.js';
export { SendShippedEmail } from './internal/application/send-shipped-email.js';
export { NotificationQueries } from './internal/application/notification-queries.js';
export type { NotificationsUnitOfWork, NotificationsScope, NotificationRepository } from './internal/application/ports.js';
