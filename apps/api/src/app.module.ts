import { Module, type DynamicModule } from '@nestjs/common';
import { bindPort, MessagingModule, subscribe, type ModuleConnection } from '@orderly/kernel';
import { NotificationsModule, SendCancellationEmail, SendOrderConfirmation, SendShippedEmail, SmtpEmailTransport } from '@orderly/notifications';
import {
  AbandonExpiredOrder,
  INVENTORY_PORT,
  OrderAbandonedV1,
  OrderCancelledV1,
  OrderPlacedV1,
  OrderShippedV1,
  OrdersModule,
  ProjectOrderCancellation,
  ProjectOrderShipment,
  ProjectOrderSummary,
} from '@orderly/orders';
import {
  ConfirmStockReservation,
  ProductsModule,
  ReleaseAbandonedReservation,
  ReturnCancelledOrderStock,
  StockReservationExpiredV1,
  StockReservations,
} from '@orderly/products';
import { HttpModule, ObservabilityModule, type ObservabilityOptions, type OrderlyConfig } from '@orderly/host';
import { PUBLISHED_EVENTS } from './events/event-catalog.js';

/** Handlers of the modules that always run in this process. */
const CORE_SUBSCRIPTIONS = [
  // The read model first: a slow handler after it (SMTP) does not delay GET /orders.
  subscribe(OrderPlacedV1, ProjectOrderSummary),
  subscribe(OrderPlacedV1, ConfirmStockReservation),
  subscribe(StockReservationExpiredV1, AbandonExpiredOrder),
  subscribe(OrderAbandonedV1, ReleaseAbandonedReservation),
  subscribe(OrderCancelledV1, ProjectOrderCancellation),
  subscribe(OrderCancelledV1, ReturnCancelledOrderStock),
  subscribe(OrderShippedV1, ProjectOrderShipment),
] as const;

/**
 * Notifications' handlers: in this process without EVENTS_BROKER_URL; with it, the same list is
 * consumed from the broker by apps/notifications-service (a test holds the two lists equal).
 */
export const NOTIFICATIONS_SUBSCRIPTIONS = [
  subscribe(OrderPlacedV1, SendOrderConfirmation),
  subscribe(OrderCancelledV1, SendCancellationEmail),
  subscribe(OrderShippedV1, SendShippedEmail),
] as const;

/** Which handler each event is delivered to, wherever it runs (the AsyncAPI document and docs/modules.md read it). */
export const EVENT_SUBSCRIPTIONS = [...CORE_SUBSCRIPTIONS, ...NOTIFICATIONS_SUBSCRIPTIONS] as const;

export interface AppModuleOptions {
  readonly config: OrderlyConfig;
  readonly connections: ReadonlyMap<string, ModuleConnection>;
  /** The process logger and metrics registry (created before Nest by startOrderly). */
  readonly observability: ObservabilityOptions;
}

/**
 * The composition root: the one place that knows every module. Read it to see
 * - which adapter each port is bound to (orders' INVENTORY_PORT -> products' StockReservations),
 * - which handler each event is delivered to (orders' OrderPlaced -> orders' read model,
 *   products, notifications; products' StockReservationExpired -> orders; orders'
 *   OrderAbandoned -> products; orders' OrderCancelled -> read model, products (stock back),
 *   notifications; orders' OrderShipped -> read model, notifications).
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
    const notifications = brokerUrl
      ? []
      : [
          NotificationsModule.forRoot({
            connection: connection('notifications'),
            emailTransport: config.smtpUrl ? new SmtpEmailTransport({ url: config.smtpUrl }) : undefined,
          }),
        ];
    const orders = OrdersModule.forRoot({
      connection: connection('orders'),
      imports: [products],
      ports: [bindPort(INVENTORY_PORT, StockReservations)],
      idempotencyKeyTtlMs: config.idempotencyKeyTtlMs,
    });

    return {
      module: AppModule,
      imports: [
        MessagingModule.forRoot({
          relay: { maxAttempts: config.relayMaxAttempts },
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
      ],
    };
  }
}
