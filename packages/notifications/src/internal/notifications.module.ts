import { Module, type DynamicModule } from '@nestjs/common';
import { moduleDatabaseProviders, UnitOfWork, type ModuleConnection } from '@orderly/kernel';
import { DataSource } from 'typeorm';
import { SEND_CANCELLATION_EMAIL, SEND_ORDER_CONFIRMATION, SEND_SHIPPED_EMAIL } from '../contracts/handlers.js';
import { EMAIL_TRANSPORT, type EmailTransport } from '../contracts/ports.js';
import { NotificationQueries } from './application/notification-queries.js';
import type { NotificationsUnitOfWork } from './application/ports.js';
import { SendCancellationEmail } from './application/send-cancellation-email.js';
import { SendOrderConfirmation } from './application/send-order-confirmation.js';
import { SendShippedEmail } from './application/send-shipped-email.js';
import { LogEmailTransport } from './infrastructure/log-email-transport.js';
import { notificationsDatabase } from './infrastructure/notifications-database.js';
import { SmtpEmailTransport } from './infrastructure/smtp-email-transport.js';
import { TypeOrmNotificationReader, TypeOrmNotificationsUnitOfWork } from './infrastructure/typeorm-notifications.js';
import { NotificationsController } from './http/notifications.controller.js';

export interface NotificationsModuleOptions {
  readonly connection: ModuleConnection;
  /** Where e-mails go: an SMTP server (smtp://host:port), or the log when not given. */
  readonly smtpUrl?: string;
  /** Any other implementation of the EMAIL_TRANSPORT port; wins over smtpUrl. */
  readonly emailTransport?: EmailTransport;
}

const NOTIFICATIONS_UOW = Symbol('notifications.UnitOfWork');

/** Notifications: tells customers about their orders, and remembers what it told them. */
@Module({})
export class NotificationsModule {
  static forRoot(options: NotificationsModuleOptions): DynamicModule {
    return {
      module: NotificationsModule,
      controllers: [NotificationsController],
      providers: [
        ...moduleDatabaseProviders(notificationsDatabase, options.connection),
        { provide: EMAIL_TRANSPORT, useValue: options.emailTransport ?? (options.smtpUrl ? new SmtpEmailTransport({ url: options.smtpUrl }) : new LogEmailTransport()) },
        { provide: NOTIFICATIONS_UOW, useFactory: (uow: UnitOfWork) => new TypeOrmNotificationsUnitOfWork(uow), inject: [UnitOfWork] },
        {
          provide: SendOrderConfirmation,
          useFactory: (uow: NotificationsUnitOfWork, transport: EmailTransport) => new SendOrderConfirmation(uow, transport),
          inject: [NOTIFICATIONS_UOW, EMAIL_TRANSPORT],
        },
        {
          provide: SendCancellationEmail,
          useFactory: (uow: NotificationsUnitOfWork, transport: EmailTransport) => new SendCancellationEmail(uow, transport),
          inject: [NOTIFICATIONS_UOW, EMAIL_TRANSPORT],
        },
        {
          provide: SendShippedEmail,
          useFactory: (uow: NotificationsUnitOfWork, transport: EmailTransport) => new SendShippedEmail(uow, transport),
          inject: [NOTIFICATIONS_UOW, EMAIL_TRANSPORT],
        },
        {
          provide: NotificationQueries,
          useFactory: (dataSource: DataSource) => new NotificationQueries(new TypeOrmNotificationReader(dataSource)),
          inject: [DataSource],
        },
        // The handlers notifications declares in its contracts (contracts/handlers.ts), under their tokens.
        { provide: SEND_ORDER_CONFIRMATION.token, useExisting: SendOrderConfirmation },
        { provide: SEND_CANCELLATION_EMAIL.token, useExisting: SendCancellationEmail },
        { provide: SEND_SHIPPED_EMAIL.token, useExisting: SendShippedEmail },
      ],
    };
  }
}
