import type { ModuleDatabaseDefinition } from '@orderly/kernel';
import { CreateNotificationsSchema1732100000200 } from './migrations/1732100000200-CreateNotificationsSchema.js';
import { AddNotificationOwners1732100013200 } from './migrations/1732100013200-AddNotificationOwners.js';
import { AddSubscriberDeliveries1732100015200 } from './migrations/1732100015200-AddSubscriberDeliveries.js';
import { AddOutboxTraceparent1732100016200 } from './migrations/1732100016200-AddOutboxTraceparent.js';
import { AddAggregateOrderIndexes1732100017200 } from './migrations/1732100017200-AddAggregateOrderIndexes.js';
import { NotificationEntity } from './notification.entity-schema.js';

export const notificationsDatabase: ModuleDatabaseDefinition = {
  module: 'notifications',
  schema: 'notifications',
  role: 'orderly_notifications',
  entities: [NotificationEntity],
  migrations: [CreateNotificationsSchema1732100000200, AddNotificationOwners1732100013200, AddSubscriberDeliveries1732100015200, AddOutboxTraceparent1732100016200, AddAggregateOrderIndexes1732100017200],
};
