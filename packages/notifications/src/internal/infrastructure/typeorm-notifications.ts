import type { EventEnvelope, UnitOfWork } from '@orderly/kernel';
import type { DataSource } from 'typeorm';
import type { NotificationAudience } from '../../contracts/dto.js';
import type { Notification } from '../domain/notification.js';
import type { NotificationReader, NotificationsScope, NotificationsUnitOfWork } from '../application/ports.js';
import { NotificationEntity } from './notification.entity-schema.js';

export class TypeOrmNotificationsUnitOfWork implements NotificationsUnitOfWork {
  constructor(private readonly uow: UnitOfWork) {}

  handleOnce(event: EventEnvelope, handler: string, work: (scope: NotificationsScope) => Promise<void>): Promise<boolean> {
    return this.uow.transactionOnce(event, handler, (tx) =>
      work({
        notifications: {
          // The statement TypeORM's repository insert sends, without its query builder (CPU on the
          // event path; the bench's full-work baseline mirrors this text).
          add: async (n: Notification) =>
            void (await tx.manager.query(
              `INSERT INTO "notifications"."notifications"("id", "order_id", "customer_id", "channel", "recipient", "template", "status", "created_at") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
              [n.id, n.orderId, n.customerId, n.channel, n.recipient, n.template, n.status, n.createdAt],
            )),
        },
      }),
    );
  }
}

export class TypeOrmNotificationReader implements NotificationReader {
  constructor(private readonly dataSource: DataSource) {}

  forOrder(orderId: string, audience: NotificationAudience): Promise<Notification[]> {
    // A customer's query is scoped to its subject in SQL.
    const where = audience.kind === 'customer' ? { orderId, customerId: audience.customerId } : { orderId };
    return this.dataSource.getRepository(NotificationEntity).find({ where, order: { createdAt: 'ASC', id: 'ASC' } });
  }
}
