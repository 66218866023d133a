// @orderly/kernel: building blocks with no domain knowledge, used by every module.
// One outbox, one inbox, one relay, one unit of work - written once, here.

export { type BusinessRule, BusinessRuleViolation, checkRule } from './domain/business-rule.js';
export { AggregateRoot } from './domain/aggregate-root.js';
export { ApplicationError, type ApplicationErrorKind, NotFoundError, InvalidInputError } from './errors/application-error.js';

export type { EventEnvelope } from './events/event-envelope.js';
export { type EventSchema, EventSchemaViolation, assertConforms, type PayloadOf } from './events/event-schema.js';
export { type FieldCheck, checkObject, isArrayOf, isInteger, isIsoDate, isString } from './events/payload-checks.js';
export type { EventHandler } from './events/event-handler.js';
export { type Causation, causationInScope, currentCausation, runWithCausation } from './events/correlation.js';

export { type PortToken, portToken, bindPort, bindPortToValue } from './ports/port-token.js';

export type { ModuleConnection, ModuleDatabaseDefinition } from './persistence/module-database-definition.js';
export { createModuleDataSource } from './persistence/create-data-source.js';
export { UnitOfWork, type Transaction, type TransactionOptions, type UnitOfWorkOptions } from './persistence/unit-of-work.js';
export { ConcurrencyConflict, isRetryableTransactionError, sqlState, UNIQUE_VIOLATION } from './persistence/transient-errors.js';
export { provisionModuleDatabases, type ProvisioningOptions, rolePassword, urlForRole } from './persistence/provisioning.js';
export { startEmbeddedPostgres, embeddedAdminUrl, type EmbeddedPostgresOptions, type RunningPostgres } from './persistence/embedded-postgres.js';

export {
  addSubscriberDeliveries,
  createMessagingTables,
  dropMessagingTables,
  quoteIdentifier,
  removeSubscriberDeliveries,
} from './messaging/messaging-tables.js';
export type { Outbox, NewEvent } from './messaging/outbox.js';
export {
  EVENT_TRANSPORT,
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
export { type OutboxBacklog, type RelayObserver, NO_RELAY_OBSERVER } from './messaging/outbox-relay.js';
export { OutboxSignal, type NotifyRunner } from './messaging/outbox-signal.js';
export { DEFAULT_RETENTION_OPTIONS, MessagingRetention, type RetentionOptions } from './messaging/retention.js';
export { ModuleDatabases, RELAY_OBSERVER, RETENTION_OPTIONS } from './nest/messaging.module.js';

export { ModuleDatabase, moduleDatabaseProviders } from './nest/module-database.js';
export { MessagingModule, type MessagingOptions, RELAY_OPTIONS, subscribe, type SubscriptionBinding } from './nest/messaging.module.js';

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
export { bigintAsNumber } from './persistence/column-transformers.js';
export { decodeKeysetCursor, encodeKeysetCursor, type KeysetPosition } from './pagination/keyset-cursor.js';
