// @orderly/orders - public API. Everything else in this package is internal.
//
// Needs: INVENTORY_PORT (bound by apps/api). Publishes: OrderPlaced (v1), OrderAbandoned (v1).
// Handles: AbandonExpiredOrder (subscribed by apps/api to products' StockReservationExpired).

export type { OrderDto, OrderItemInput, OrderLineDto, OrderStatus, PlaceOrderDto } from './contracts/dto.js';
export { OrderAbandonedV1, OrderPlacedV1, type OrderAbandoned, type OrderPlaced, type ReservationExpiryNotice } from './contracts/events.js';
export { INVENTORY_PORT, type InventoryLine, type InventoryPort, type InventoryReservation } from './contracts/ports.js';

export { OrdersModule, type OrdersModuleOptions } from './internal/orders.module.js';
export { ordersDatabase } from './internal/infrastructure/orders-database.js';
export { PlaceOrder } from './internal/application/place-order.js';
export { PlaceOrderIdempotently, type IdempotentAnswer } from './internal/application/place-order-idempotently.js';
export { AbandonExpiredOrder } from './internal/application/abandon-expired-order.js';
export { OrderQueries } from './internal/application/order-queries.js';
export type {
  IdempotencyClaim,
  IdempotencyKeyStore,
  OrderFateRegistry,
  OrderRepository,
  OrdersClock,
  OrdersScope,
  OrdersUnitOfWork,
} from './internal/application/ports.js';
export type { OrderFate } from './internal/domain/order-fate.js';
