// @orderly/products - public API. Everything else in this package is internal.
//
// Provides: the products HTTP endpoints, StockReservations (bound by apps/api to orders'
// InventoryPort), ConfirmStockReservation (subscribed to orders' OrderPlaced), ProductCatalog,
// ReservationSweeper (publishes StockReservationExpired), ReleaseAbandonedReservation (subscribed
// to orders' OrderAbandoned), ReturnCancelledOrderStock (subscribed to orders' OrderCancelled).

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

export { PRODUCT_SCOPES } from './contracts/scopes.js';
export { ProductsModule, type ProductsModuleOptions } from './internal/products.module.js';
export { productsDatabase } from './internal/infrastructure/products-database.js';
export { StockReservations } from './internal/application/stock-reservations.js';
export { ConfirmStockReservation } from './internal/application/confirm-stock-reservation.js';
export { ProductCatalog } from './internal/application/product-catalog.js';
export { ReleaseAbandonedReservation } from './internal/application/release-abandoned-reservation.js';
export { ReservationSweeper } from './internal/application/reservation-sweeper.js';
export { ReturnCancelledOrderStock } from './internal/application/return-cancelled-order-stock.js';
