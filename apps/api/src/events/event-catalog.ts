import type { EventSchema } from '@orderly/kernel';
import { OrderAbandonedV1, OrderCancelledV1, OrderPlacedV1, OrderShippedV1 } from '@orderly/orders';
import { StockReservationExpiredV1 } from '@orderly/products';

export interface PublishedEvents {
  /** The package whose outbox publishes them. */
  readonly publisher: string;
  readonly schemas: readonly EventSchema<unknown>[];
}

/**
 * Every integration event (each version) and who publishes it: the source of the committed
 * contracts (docs/events/) and of the AsyncAPI document. A test holds it to what each module's
 * public entry exports, so a new event or version cannot be left out.
 */
export const PUBLISHED_EVENTS: readonly PublishedEvents[] = [
  { publisher: '@orderly/orders', schemas: [OrderPlacedV1, OrderAbandonedV1, OrderCancelledV1, OrderShippedV1] },
  { publisher: '@orderly/products', schemas: [StockReservationExpiredV1] },
];
