// @orderly/products - public API: its contracts, its Nest module and its database definition.
// Everything else in this package is internal.
//
// Provides: the products HTTP endpoints; STOCK_RESERVATIONS (apps/api binds orders'
// INVENTORY_PORT to it). Publishes: StockReservationExpired (v1). Handles (declared in
// contracts/handlers.ts, subscribed by apps/api): orders' OrderPlaced (CONFIRM_STOCK_RESERVATION),
// OrderAbandoned (RELEASE_ABANDONED_RESERVATION) and OrderCancelled (RETURN_CANCELLED_ORDER_STOCK).

export type {
  ProductDto,
  ProductPageDto,
  ReservedLine,
  ShortLine,
  StockRequestLine,
  StockReservationOutcome,
} from './contracts/dto.js';
export type { OrderAbandonedNotice, OrderCancelledNotice, OrderCommittedNotice } from './contracts/events.js';
export { StockReservationExpiredV1, type StockReservationExpired } from './contracts/events.js';
export { CONFIRM_STOCK_RESERVATION, RELEASE_ABANDONED_RESERVATION, RETURN_CANCELLED_ORDER_STOCK } from './contracts/handlers.js';
export { STOCK_RESERVATIONS, type StockReservationService } from './contracts/ports.js';

export { PRODUCT_SCOPES } from './contracts/scopes.js';
export { ProductsModule, type ProductsModuleOptions } from './internal/products.module.js';
export { productsDatabase } from './internal/infrastructure/products-database.js';
