import { Module, type DynamicModule } from '@nestjs/common';
import { HttpModule, ObservabilityModule, type ObservabilityOptions, type OrderlyConfig } from '@orderly/host';
import { MessagingModule, subscribe, type ModuleConnection } from '@orderly/kernel';
import { NotificationsModule, SEND_CANCELLATION_EMAIL, SEND_ORDER_CONFIRMATION, SEND_SHIPPED_EMAIL } from '@orderly/notifications';
import { OrderCancelledV1, OrderPlacedV1, OrderShippedV1 } from '@orderly/orders';

/**
 * What the notifications service handles: the same subscriptions apps/api makes in-process when
 * there is no broker (a test holds the two lists equal). orders' event schemas are contracts
 * only: this process does not run the orders module.
 */
export const NOTIFICATIONS_SUBSCRIPTIONS = [
  subscribe(OrderPlacedV1, SEND_ORDER_CONFIRMATION),
  subscribe(OrderCancelledV1, SEND_CANCELLATION_EMAIL),
  subscribe(OrderShippedV1, SEND_SHIPPED_EMAIL),
] as const;

export interface NotificationsServiceOptions {
  readonly config: OrderlyConfig & { readonly eventsBrokerUrl: string };
  readonly connection: ModuleConnection;
  readonly observability: ObservabilityOptions;
}

/**
 * The composition root of the notifications service: @orderly/notifications, unchanged, fed from
 * NATS JetStream by durable consumers (one per handler and partition) instead of an in-process
 * relay, behind the same HTTP pipeline, errors, health, metrics and logs as apps/api.
 */
@Module({})
export class NotificationsServiceModule {
  static forRoot({ config, connection, observability }: NotificationsServiceOptions): DynamicModule {
    return {
      module: NotificationsServiceModule,
      imports: [
        MessagingModule.forRoot({
          relay: { maxAttempts: config.relayMaxAttempts },
          retention: { outboxRetentionMs: config.outboxRetentionMs, inboxRetentionMs: config.inboxRetentionMs },
          relayObserver: observability.metrics.relayObserver,
          subscriptions: NOTIFICATIONS_SUBSCRIPTIONS,
          broker: { url: config.eventsBrokerUrl, publish: [], consume: true, consumer: { maxDeliver: config.relayMaxAttempts } },
          processName: 'orderly-notifications',
        }),
        HttpModule,
        ObservabilityModule.forRoot(observability),
        NotificationsModule.forRoot({ connection, smtpUrl: config.smtpUrl ?? undefined }),
      ],
    };
  }
}
