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
import type { OrderlyConfig } from './config.js';
import { HttpModule } from './http/http.module.js';
import type { Authenticator } from './identity/authenticator.js';
import { IdentityModule } from './identity/identity.module.js';
import { ObservabilityModule, type ObservabilityOptions } from './observability.module.js';

/** Which handler each event is delivered to (also read by the AsyncAPI document and docs/modules.md). */
export const EVENT_SUBSCRIPTIONS = [
  // Each subscriber has its own deliveries (ADR 0003): a slow one (SMTP) delays no other module's.
  subscribe(OrderPlacedV1, ProjectOrderSummary),
  subscribe(OrderPlacedV1, ConfirmStockReservation),
  subscribe(OrderPlacedV1, SendOrderConfirmation),
  subscribe(StockReservationExpiredV1, AbandonExpiredOrder),
  subscribe(OrderAbandonedV1, ReleaseAbandonedReservation),
  subscribe(OrderCancelledV1, ProjectOrderCancellation),
  subscribe(OrderCancelledV1, ReturnCancelledOrderStock),
  subscribe(OrderCancelledV1, SendCancellationEmail),
  subscribe(OrderShippedV1, ProjectOrderShipment),
  subscribe(OrderShippedV1, SendShippedEmail),
] as const;

export interface AppModuleOptions {
  readonly config: OrderlyConfig;
  readonly connections: ReadonlyMap<string, ModuleConnection>;
  /** The process logger and metrics registry (created before Nest by startOrderly). */
  readonly observability: ObservabilityOptions;
  /** Verifies bearer tokens (an identity provider's JWKS, or the development issuer). */
  readonly authenticator: Authenticator;
}

/**
 * The composition root: the one place that knows every module. Read it to see
 * - which adapter each port is bound to (orders' INVENTORY_PORT -> products' StockReservations),
 * - which handler each event is delivered to (orders' OrderPlaced -> orders' read model,
 *   products, notifications; products' StockReservationExpired -> orders; orders'
 *   OrderAbandoned -> products; orders' OrderCancelled -> read model, products (stock back),
 *   notifications; orders' OrderShipped -> read model, notifications).
 * TypeScript checks each binding structurally; no module imports another.
 */
@Module({})
export class AppModule {
  static forRoot({ config, connections, observability, authenticator }: AppModuleOptions): DynamicModule {
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
    const notifications = NotificationsModule.forRoot({
      connection: connection('notifications'),
      emailTransport: config.smtpUrl ? new SmtpEmailTransport({ url: config.smtpUrl }) : undefined,
    });
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
          retention: { outboxRetentionMs: config.outboxRetentionMs, inboxRetentionMs: config.inboxRetentionMs },
          relayObserver: observability.metrics.relayObserver,
          subscriptions: EVENT_SUBSCRIPTIONS,
        }),
        HttpModule,
        IdentityModule.forRoot(config, authenticator),
        ObservabilityModule.forRoot(observability),
        products,
        orders,
        notifications,
      ],
    };
  }
}
