import { Module, type DynamicModule } from '@nestjs/common';
import { bindPort, bindPortToValue, MessagingModule, subscribe, type ModuleConnection } from '@orderly/kernel';
import { NotificationsModule, SEND_CANCELLATION_EMAIL, SEND_ORDER_CONFIRMATION, SEND_SHIPPED_EMAIL } from '@orderly/notifications';
import {
  ABANDON_EXPIRED_ORDER,
  INVENTORY_PORT,
  ORDERS_METRICS,
  OrderAbandonedV1,
  OrderCancelledV1,
  OrderPlacedV1,
  OrderShippedV1,
  OrdersModule,
  PROJECT_ORDER_CANCELLATION,
  PROJECT_ORDER_SHIPMENT,
  PROJECT_ORDER_SUMMARY,
} from '@orderly/orders';
import {
  CONFIRM_STOCK_RESERVATION,
  ProductsModule,
  RELEASE_ABANDONED_RESERVATION,
  RETURN_CANCELLED_ORDER_STOCK,
  STOCK_RESERVATIONS,
  StockReservationExpiredV1,
} from '@orderly/products';
import { HttpModule, ObservabilityModule, type ObservabilityOptions, type OrderlyConfig } from '@orderly/host';
import { PUBLISHED_EVENTS } from './events/event-catalog.js';
import { ordersMetrics } from './metrics/orders-metrics.js';

/** Handlers of the modules that always run in this process. */
const CORE_SUBSCRIPTIONS = [
  // Each subscriber has its own deliveries (ADR 0003): a slow one (SMTP) delays no other module's.
  subscribe(OrderPlacedV1, PROJECT_ORDER_SUMMARY),
  subscribe(OrderPlacedV1, CONFIRM_STOCK_RESERVATION),
  subscribe(StockReservationExpiredV1, ABANDON_EXPIRED_ORDER),
  subscribe(OrderAbandonedV1, RELEASE_ABANDONED_RESERVATION),
  subscribe(OrderCancelledV1, PROJECT_ORDER_CANCELLATION),
  subscribe(OrderCancelledV1, RETURN_CANCELLED_ORDER_STOCK),
  subscribe(OrderShippedV1, PROJECT_ORDER_SHIPMENT),
] as const;

/**
 * Notifications' handlers: in this process without EVENTS_BROKER_URL; with it, the same list is
 * consumed from the broker by apps/notifications-service (a test holds the two lists equal).
 */
export const NOTIFICATIONS_SUBSCRIPTIONS = [
  subscribe(OrderPlacedV1, SEND_ORDER_CONFIRMATION),
  subscribe(OrderCancelledV1, SEND_CANCELLATION_EMAIL),
  subscribe(OrderShippedV1, SEND_SHIPPED_EMAIL),
] as const;

/** Which handler each event is delivered to, wherever it runs (the AsyncAPI document and docs/modules.md read it). */
export const EVENT_SUBSCRIPTIONS = [...CORE_SUBSCRIPTIONS, ...NOTIFICATIONS_SUBSCRIPTIONS] as const;

export interface AppModuleOptions {
  readonly config: OrderlyConfig;
  readonly connections: ReadonlyMap<string, ModuleConnection>;
  /** The metrics registry and lifecycle (created before Nest by startOrderly). */
  readonly observability: ObservabilityOptions;
}

/**
 * The composition root: the one place that knows every module. Read it to see
 * - which provider each port is bound to (orders' INVENTORY_PORT -> products' STOCK_RESERVATIONS;
 *   orders' ORDERS_METRICS -> the Prometheus counters),
 * - which handler each event is delivered to (orders' OrderPlaced -> orders' read model,
 *   products, notifications; products' StockReservationExpired -> orders; orders'
 *   OrderAbandoned -> products; orders' OrderCancelled -> read model, products (stock back),
 *   notifications; orders' OrderShipped -> read model, notifications). Each module declares its
 *   handlers in its contracts (contracts/handlers.ts): the event each listens to and the token it
 *   provides the handler under.
 * TypeScript checks each binding structurally; no module imports another.
 *
 * With EVENTS_BROKER_URL set, notifications runs in apps/notifications-service instead: it is not
 * composed here, and every event this process's outboxes hold is also published to NATS JetStream
 * (docs/adr/0014-notifications-as-a-service-over-jetstream.md).
 */
@Module({})
export class AppModule {
  static forRoot({ config, connections, observability }: AppModuleOptions): DynamicModule {
    const connection = (module: string): ModuleConnection => {
      const found = connections.get(module);
      if (!found) throw new Error(`No database connection was provisioned for module ${module}`);
      return found;
    };

    const products = ProductsModule.forRoot({
      connection: connection('products'),
      reservationTtlMs: config.reservationTtlMs,
      reservationSweepIntervalMs: config.reservationSweepIntervalMs,
      demoCatalog: config.demoData,
    });
    const brokerUrl = config.eventsBrokerUrl;
    const notifications = brokerUrl ? [] : [NotificationsModule.forRoot({ connection: connection('notifications'), smtpUrl: config.smtpUrl ?? undefined })];
    const orders = OrdersModule.forRoot({
      connection: connection('orders'),
      imports: [products],
      ports: [bindPort(INVENTORY_PORT, STOCK_RESERVATIONS), bindPortToValue(ORDERS_METRICS, ordersMetrics(observability.metrics.registry))],
      idempotencyKeyTtlMs: config.idempotencyKeyTtlMs,
    });

    return {
      module: AppModule,
      imports: [
        MessagingModule.forRoot({
          relay: { maxAttempts: config.relayMaxAttempts },
          retention: { outboxRetentionMs: config.outboxRetentionMs, inboxRetentionMs: config.inboxRetentionMs },
          relayObserver: observability.metrics.relayObserver,
          subscriptions: brokerUrl ? CORE_SUBSCRIPTIONS : EVENT_SUBSCRIPTIONS,
          broker: brokerUrl ? { url: brokerUrl, publish: PUBLISHED_EVENTS.flatMap((p) => p.schemas.map((s) => s.type)), consume: false } : undefined,
          processName: 'orderly-api',
        }),
        HttpModule,
        ObservabilityModule.forRoot(observability),
        products,
        orders,
        ...notifications,
        // npm run new-module adds each new module above this line (it binds no port and subscribes to no event yet).
      ],
    };
  }
}
