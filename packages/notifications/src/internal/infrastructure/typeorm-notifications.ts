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
      work({ notifications: { add: async (n: Notification) => void (await tx.manager.getRepository(NotificationEntity).insert(n)) } }),
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
