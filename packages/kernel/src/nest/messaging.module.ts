import { Global, Module, type DynamicModule, type OnModuleInit, type Provider } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { EventHandler, HandlerDeclaration } from '../events/event-handler.js';
import type { EventSchema } from '../events/event-schema.js';
import { EVENT_TRANSPORT, InProcessEventTransport } from '../messaging/event-transport.js';
import { DEFAULT_RELAY_OPTIONS, NO_RELAY_OBSERVER, type RelayObserver, type RelayOptions } from '../messaging/outbox-relay.js';
import { DEFAULT_RETENTION_OPTIONS, type RetentionOptions } from '../messaging/retention.js';
import { JetStreamEventPublisher } from '../messaging/event-broker.js';
import { BrokerConnection, BrokerConsumerRunner, BrokerForwardingTransport, consumerOptions, type BrokerPlacement } from './broker-messaging.js';
import { ModuleDatabases } from './module-database.js';
import { RELAY_OBSERVER, RELAY_OPTIONS, RETENTION_OPTIONS } from './relay-tokens.js';

/** "Deliver events of this schema to this handler": one line per subscription in apps/api. */
export interface SubscriptionBinding<TPayload> {
  readonly schema: EventSchema<TPayload>;
  readonly handler: HandlerDeclaration<TPayload>;
}

/**
 * Binds a publisher's event schema to a subscriber's handler, as the subscriber declared it in its
 * contracts (declareHandler). The handler declares the payload it needs in its own module's terms;
 * TypeScript checks that the publisher's payload fits it, so the subscriber never imports the
 * publisher. A handler bound to another event (type or version) than it listens to is refused.
 */
export function subscribe<TPayload>(schema: EventSchema<TPayload>, handler: HandlerDeclaration<TPayload>): SubscriptionBinding<TPayload> {
  const { type, version } = handler.listensTo;
  if (schema.type !== type || schema.version !== version) {
    throw new Error(`${handler.name} listens to ${type} v${version}; it cannot be subscribed to ${schema.type} v${schema.version}.`);
  }
  return { schema, handler };
}

export interface MessagingOptions {
  // Each binding has its own payload type; subscribe() already checked it against its handler.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly subscriptions: readonly SubscriptionBinding<any>[];
  readonly relay?: Partial<RelayOptions>;
  /** Told about every delivered event (e.g. delivery-latency metrics). */
  readonly relayObserver?: RelayObserver;
  /** How long delivered events and inbox entries are kept. */
  readonly retention?: Partial<RetentionOptions>;
  /** Events also travel over NATS JetStream (EVENTS_BROKER_URL); unset: in-process only. */
  readonly broker?: BrokerPlacement;
  /** This process's name on the broker connection (e.g. orderly-api). */
  readonly processName?: string;
}

const SUBSCRIPTIONS = Symbol('orderly:subscriptions');

class SubscriptionRegistrar implements OnModuleInit {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly transport: InProcessEventTransport,
    private readonly bindings: readonly SubscriptionBinding<unknown>[],
  ) {}

  onModuleInit(): void {
    for (const binding of this.bindings) {
      const handler = this.moduleRef.get<EventHandler<unknown>>(binding.handler.token, { strict: false });
      // The inbox key is the declared name: a handler that records another would redo old work.
      if (handler.name !== binding.handler.name) {
        throw new Error(`The handler provided for ${binding.handler.name} is named ${handler.name}; a handler must carry the name it is declared with.`);
      }
      this.transport.subscribe(binding.schema, handler);
    }
  }
}

/** The in-process event transport, its subscriptions and the relay settings, for every module. */
@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    const transport = new InProcessEventTransport();
    const broker = options.broker;
    const brokerProviders: Provider[] = broker
      ? [
          { provide: BrokerConnection, useFactory: () => BrokerConnection.open(broker, options.processName ?? 'orderly') },
          {
            provide: EVENT_TRANSPORT,
            useFactory: (connection: BrokerConnection) =>
              broker.publish.length > 0
                ? new BrokerForwardingTransport(transport, new JetStreamEventPublisher(connection.broker, broker.headers), broker.publish)
                : transport,
            inject: [BrokerConnection],
          },
          ...(broker.consume
            ? [
                {
                  provide: BrokerConsumerRunner,
                  useFactory: (connection: BrokerConnection, databases: ModuleDatabases) =>
                    new BrokerConsumerRunner(connection, transport, databases, consumerOptions(broker)),
                  inject: [BrokerConnection, ModuleDatabases],
                },
              ]
            : []),
        ]
      : [{ provide: EVENT_TRANSPORT, useValue: transport }];
    return {
      module: MessagingModule,
      providers: [
        ...brokerProviders,
        { provide: InProcessEventTransport, useValue: transport },
        { provide: RELAY_OPTIONS, useValue: { ...DEFAULT_RELAY_OPTIONS, ...options.relay } },
        { provide: RELAY_OBSERVER, useValue: options.relayObserver ?? NO_RELAY_OBSERVER },
        { provide: RETENTION_OPTIONS, useValue: { ...DEFAULT_RETENTION_OPTIONS, ...options.retention } },
        { provide: ModuleDatabases, useValue: new ModuleDatabases() },
        { provide: SUBSCRIPTIONS, useValue: options.subscriptions },
        {
          provide: SubscriptionRegistrar,
          useFactory: (moduleRef: ModuleRef, bindings: readonly SubscriptionBinding<unknown>[]) =>
            new SubscriptionRegistrar(moduleRef, transport, bindings),
          inject: [ModuleRef, SUBSCRIPTIONS],
        },
      ],
      exports: [EVENT_TRANSPORT, InProcessEventTransport, RELAY_OPTIONS, RELAY_OBSERVER, RETENTION_OPTIONS, ModuleDatabases],
    };
  }
}
