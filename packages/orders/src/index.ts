// @orderly/orders - public API: its contracts, its Nest module and its database definition.
// Everything else in this package is internal.
//
// Needs: INVENTORY_PORT (bound by apps/api), optionally ORDERS_METRICS. Publishes: OrderPlaced,
// OrderAbandoned, OrderCancelled, OrderShipped (all v1). Handles (declared in
// contracts/handlers.ts, subscribed by apps/api): products' StockReservationExpired
// (ABANDON_EXPIRED_ORDER); its own OrderPlaced, OrderCancelled and OrderShipped, feeding the order
// history read model (PROJECT_ORDER_SUMMARY, PROJECT_ORDER_CANCELLATION, PROJECT_ORDER_SHIPMENT).

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
export { ABANDON_EXPIRED_ORDER, PROJECT_ORDER_CANCELLATION, PROJECT_ORDER_SHIPMENT, PROJECT_ORDER_SUMMARY } from './contracts/handlers.js';
export {
  INVENTORY_PORT,
  ORDERS_METRICS,
  type InventoryLine,
  type InventoryPort,
  type InventoryReservation,
  type OrdersMetrics,
  type ReserveOptions,
} from './contracts/ports.js';

export { OrdersModule, type OrdersModuleOptions } from './internal/orders.module.js';
export { ordersDatabase } from './internal/infrastructure/orders-database.js';
