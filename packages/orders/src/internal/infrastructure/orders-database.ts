import type { ModuleDatabaseDefinition } from '@orderly/kernel';
import { CreateOrdersSchema1732100000100 } from './migrations/1732100000100-CreateOrdersSchema.js';
import { AddOrderFatesAndIdempotencyKeys1732100000101 } from './migrations/1732100000101-AddOrderFatesAndIdempotencyKeys.js';
import { CreateOrderSummaries1732100004000 } from './migrations/1732100004000-CreateOrderSummaries.js';
import { AddOrderOwners1732100013000 } from './migrations/1732100013000-AddOrderOwners.js';
import { AddOrderStatusChanges1732100014000 } from './migrations/1732100014000-AddOrderStatusChanges.js';
import { AddSubscriberDeliveries1732100015100 } from './migrations/1732100015100-AddSubscriberDeliveries.js';
import { AddOutboxTraceparent1732100016100 } from './migrations/1732100016100-AddOutboxTraceparent.js';
import { AddAggregateOrderIndexes1732100017100 } from './migrations/1732100017100-AddAggregateOrderIndexes.js';
import { OrderEntity, OrderLineEntity } from './order.entity-schema.js';

export const ordersDatabase: ModuleDatabaseDefinition = {
  module: 'orders',
  schema: 'orders',
  role: 'orderly_orders',
  entities: [OrderEntity, OrderLineEntity],
  migrations: [
    CreateOrdersSchema1732100000100,
    AddOrderFatesAndIdempotencyKeys1732100000101,
    CreateOrderSummaries1732100004000,
    AddOrderOwners1732100013000,
    AddOrderStatusChanges1732100014000,
    AddSubscriberDeliveries1732100015100,
    AddOutboxTraceparent1732100016100,
    AddAggregateOrderIndexes1732100017100,
  ],
};
