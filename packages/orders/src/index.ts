// @orderly/orders - public API. Everything else in this package is internal.
//
// Needs: INVENTORY_PORT (bound by apps/api). Publishes: OrderPlaced (v1), OrderAbandoned (v1),
// OrderCancelled (v1), OrderShipped (v1).
// Handles (subscribed by apps/api): AbandonExpiredOrder to products' StockReservationExpired;
// ProjectOrderSummary, ProjectOrderCancellation and ProjectOrderShipment to its own OrderPlaced,
// OrderCancelled and OrderShipped, feeding the order history read model.

export type {
  CustomerIdentity,
  OrderAudience,
  OrderDto,
  OrderItemInput,
  OrderLineDto,
  OrderStatus,
  OrderSummaryDto,
  OrderSummaryPageDto,
  PlaceOrderCommand,
  PlaceOrderDto,
} from './contracts/dto.js';
export { ORDER_SCOPES } from './contracts/scopes.js';
export {
  OrderAbandonedV1,
  OrderCancelledV1,
  OrderPlacedV1,
  OrderShippedV1,
  type OrderAbandoned,
  type OrderCancelled,
  type OrderPlaced,
  type OrderShipped,
  type ReservationExpiryNotice,
} from './contracts/events.js';
export { INVENTORY_PORT, type InventoryLine, type InventoryPort, type InventoryReservation, type ReserveOptions } from './contracts/ports.js';

export { OrdersModule, type OrdersModuleOptions } from './internal/orders.module.js';
export { ordersDatabase } from './internal/infrastructure/orders-database.js';
export { PlaceOrder } from './internal/application/place-order.js';
export { PlaceOrderIdempotently, type IdempotentAnswer } from './internal/application/place-order-idempotently.js';
export { AbandonExpiredOrder } from './internal/application/abandon-expired-order.js';
export { OrderQueries } from './internal/application/order-queries.js';
export { OrderHistory } from './internal/application/order-history.js';
export { ProjectOrderSummary } from './internal/application/project-order-summary.js';
export { ProjectOrderCancellation, ProjectOrderShipment } from './internal/application/project-order-status.js';
export type {
  IdempotencyClaim,
  IdempotencyKeyStore,
  OrderFateRegistry,
  OrderHistoryProjection,
  OrderHistoryReader,
  OrderRepository,
  OrderSummary,
  OrderSummaryWriter,
  OrdersClock,
  OrdersScope,
  OrdersUnitOfWork,
} from './internal/application/ports.js';
export type { OrderFate } from './internal/domain/order-fate.js';
