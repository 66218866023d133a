import type { ModuleDatabaseDefinition } from '@orderly/kernel';
import { CreateProductsSchema1732100000000 } from './migrations/1732100000000-CreateProductsSchema.js';
import { AllowReturnedReservations1732100014000 } from './migrations/1732100014000-AllowReturnedReservations.js';
import { AddProductWithdrawal1732100014001 } from './migrations/1732100014001-AddProductWithdrawal.js';
import { AddSubscriberDeliveries1732100015000 } from './migrations/1732100015000-AddSubscriberDeliveries.js';
import { AddOutboxTraceparent1732100016000 } from './migrations/1732100016000-AddOutboxTraceparent.js';
import { AddAggregateOrderIndexes1732100017000 } from './migrations/1732100017000-AddAggregateOrderIndexes.js';
import { ProductEntity, StockReservationEntity } from './product.entity-schema.js';

export const productsDatabase: ModuleDatabaseDefinition = {
  module: 'products',
  schema: 'products',
  role: 'orderly_products',
  entities: [ProductEntity, StockReservationEntity],
  migrations: [
    CreateProductsSchema1732100000000,
    AllowReturnedReservations1732100014000,
    AddProductWithdrawal1732100014001,
    AddSubscriberDeliveries1732100015000,
    AddOutboxTraceparent1732100016000,
    AddAggregateOrderIndexes1732100017000,
  ],
};
