// @orderly/kernel: building blocks with no domain knowledge, used by every module.
// One outbox, one inbox, one relay, one unit of work - written once, here.

// The framework-free building blocks (a module's domain imports them from @orderly/kernel/domain).
export * from './domain/index.js';

export { type Causation, causationInScope, runWithCausation } from './events/correlation.js';
export { contextFromTraceparent, enableTracing, tracingEnabled } from './events/trace-context.js';

export { bindPort, bindPortToValue } from './nest/bind-port.js';

export type { ModuleConnection, ModuleDatabaseDefinition } from './persistence/module-database-definition.js';
export { createModuleDataSource } from './persistence/create-data-source.js';
export { UnitOfWork, type Transaction, type TransactionOnceOptions, type TransactionOptions, type UnitOfWorkOptions } from './persistence/unit-of-work.js';
export { ConcurrencyConflict, isDatabaseUnavailable, sqlState, UNIQUE_VIOLATION } from './persistence/transient-errors.js';
export {
  provisionModuleDatabases,
  moduleConnections,
  moduleRoleName,
  pendingMigrations,
  rolePassword,
  MIN_ROLE_SECRET_LENGTH,
  type ModuleConnectionOptions,
  type ProvisioningOptions,
} from './persistence/provisioning.js';
export {
  startEmbeddedPostgres,
  attachToEmbeddedPostgres,
  EmbeddedPostgresNotRunning,
  EmbeddedPostgresInUse,
  EmbeddedPostgresDidNotStart,
  type ClusterOwner,
  type EmbeddedPostgresOptions,
  type RunningPostgres,
} from './persistence/embedded-postgres.js';

export { equalsOnFullIndex } from './persistence/equals-on-full-index.js';
export {
  addAggregateOrderIndexes,
  addOutboxTraceparent,
  addSubscriberDeliveries,
  createMessagingSchema,
  createMessagingTables,
  dropMessagingSchema,
  dropMessagingTables,
  LATEST_MESSAGING_VERSION,
  type MessagingVersion,
  quoteIdentifier,
  removeAggregateOrderIndexes,
  removeOutboxTraceparent,
  removeSubscriberDeliveries,
} from './messaging/messaging-tables.js';
export type { Outbox, NewEvent } from './messaging/outbox.js';
export {
  consumerOf,
  type EventRoute,
  type EventTransport,
  InProcessEventTransport,
  type Subscriber,
  UndeliverableEvent,
  type Subscription,
} from './messaging/event-transport.js';
export { OutboxRelay, type RelayOptions, type RelayLogger, DEFAULT_RELAY_OPTIONS, redeliveryHorizonMs } from './messaging/outbox-relay.js';
export {
  DeliveryNotFound,
  type DeliveryEntry,
  OutboxAdmin,
  OutboxEntryInWrongState,
  OutboxEntryNotFound,
  type OutboxEntry,
  type OutboxStats,
  type OutboxStatus,
  type SqlRunner,
  type SubscriberStats,
} from './messaging/outbox-admin.js';
export { findNatsServer, NATS_SERVER_INSTALL_HINT, startLocalNatsServer, type LocalNatsServer, type LocalNatsServerOptions } from './messaging/local-nats-server.js';
export { EVENT_PARTITIONS, EVENT_SUBJECT_PREFIX } from './messaging/event-subjects.js';
export { type BrokerPlacement } from './nest/broker-messaging.js';
export type { ConsumerOptions } from './messaging/event-consumer.js';
export { type OutboxBacklog, type RelayObserver } from './messaging/outbox-relay.js';
export { OutboxSignal, type NotifyRunner } from './messaging/outbox-signal.js';
export { type RetentionOptions } from './messaging/retention.js';

export { ModuleDatabase, ModuleDatabases, moduleDatabaseProviders } from './nest/module-database.js';
export { MessagingModule, type MessagingOptions, subscribe, type SubscriptionBinding } from './nest/messaging.module.js';

export { CurrentPrincipal, hasScope, PRINCIPAL, Public, readRouteAccess, RequireScope, type Principal, type RouteAccess } from './identity/access.js';

export { maskEmail, maskPersonalData } from './logging/personal-data.js';

export { PeriodicJob } from './scheduling/periodic-job.js';
export {
  ApiHeader,
  type ApiHeaderDescription,
  ApiOperation,
  type ApiOperationDescription,
  ApiProblem,
  type ApiProblemDescription,
  ApiResponse,
  type ApiResponseDescription,
  type ApiDescription,
  type JsonSchema,
  NamedSchema,
  namedSchema,
  readApiDescription,
  type SchemaOrNamed,
} from './http/api-description.js';
export { ParseUuid } from './http/parse-uuid.pipe.js';
export { bigintAsNumber } from './persistence/column-transformers.js';
export { encodeKeysetCursor, type KeysetPosition } from './pagination/keyset-cursor.js';
export { DEFAULT_PAGE_SIZE, decodePageCursor, InvalidCursor, keysetPage, type Page } from './pagination/keyset-page.js';
export { PageQuery } from './http/page-query.js';
