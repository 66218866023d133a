// @orderly/orders - public API. Everything else in this package is internal.
//
// Needs: INVENTORY_PORT (bound by apps/api). Publishes: OrderPlaced (v1). Subscribes (through
// apps/api): ProjectOrderSummary to its own OrderPlaced, feeding the order history read model.

export type { OrderDto, OrderItemInput, OrderLineDto, OrderStatus, OrderSummaryDto, OrderSummaryPageDto, PlaceOrderDto } from './contracts/dto.js';
export { OrderPlacedV1, type OrderPlaced } from './contracts/events.js';
export { INVENTORY_PORT, type InventoryLine, type InventoryPort, type InventoryReservation } from './contracts/ports.js';

export { OrdersModule, type OrdersModuleOptions } from './internal/orders.module.js';
export { ordersDatabase } from './internal/infrastructure/orders-database.js';
export { PlaceOrder } from './internal/application/place-order.js';
export { OrderQueries } from './internal/application/order-queries.js';
export { OrderHistory } from './internal/application/order-history.js';
export { ProjectOrderSummary } from './internal/application/project-order-summary.js';
export type { OrdersUnitOfWork, OrdersScope, OrderRepository, OrdersClock, OrderHistoryProjection, OrderHistoryReader, OrderSummary, OrderSummaryWriter } from './internal/application/ports.js';
