import {
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
  type Provider,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createModuleDataSource } from '../persistence/create-data-source.js';
import { sideBySide } from '../persistence/side-by-side.js';
import type { ModuleConnection, ModuleDatabaseDefinition } from '../persistence/module-database-definition.js';
import { UnitOfWork } from '../persistence/unit-of-work.js';
import { EVENT_TRANSPORT, type EventTransport } from '../messaging/event-transport.js';
import { OutboxRelay, type RelayObserver, type RelayOptions } from '../messaging/outbox-relay.js';
import { OutboxAdmin } from '../messaging/outbox-admin.js';
import { OutboxSignal } from '../messaging/outbox-signal.js';
import { DEFAULT_RETENTION_OPTIONS, MessagingRetention, type RetentionOptions } from '../messaging/retention.js';
import { PeriodicJob } from '../scheduling/periodic-job.js';
import { RELAY_OBSERVER, RELAY_OPTIONS, RETENTION_OPTIONS } from './relay-tokens.js';

/**
 * One module's database at run time: its DataSource for requests (its own role), a separate
 * small pool for the relay and event handlers (so neither can starve the other), its unit of
 * work, the relay of its outbox and the retention sweep of its messaging tables, opened and
 * closed with the Nest application. Each module provides its own instance (Nest providers are
 * module-scoped), so no module can reach another's.
 */
export class ModuleDatabase implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  readonly dataSource: DataSource;
  /** The pool of the event handlers' transactions, the wake-up NOTIFY and the retention sweep. */
  readonly handlerDataSource: DataSource;
  /**
   * The relay's own pool (fan-out, claims, completions, settlement): its statements neither wait
   * behind handler transactions nor for the WAL flush (asynchronous commit, ADR 0003).
   */
  readonly relayDataSource: DataSource;
  readonly unitOfWork: UnitOfWork;
  readonly relay: OutboxRelay;
  /** The module's outbox as operators and metrics see it (pending, dead, replay, discard). */
  readonly outbox: OutboxAdmin;
  private readonly retention: MessagingRetention;
  private readonly retentionJob: PeriodicJob;
  private readonly signal: OutboxSignal;

  constructor(
    readonly definition: ModuleDatabaseDefinition,
    connection: ModuleConnection,
    transport: EventTransport,
    relayOptions: RelayOptions,
    relayObserver?: RelayObserver,
    retentionOptions: RetentionOptions = DEFAULT_RETENTION_OPTIONS,
  ) {
    this.dataSource = createModuleDataSource(definition, connection);
    this.handlerDataSource = createModuleDataSource(definition, connection, 'handlers');
    this.relayDataSource = createModuleDataSource(definition, connection, 'relay');
    this.signal = new OutboxSignal(definition.schema, this.handlerDataSource);
    this.unitOfWork = new UnitOfWork(this.dataSource, definition.schema, { handlerDataSource: this.handlerDataSource, signal: this.signal });
    const logger = new Logger(`Relay:${definition.module}`);
    this.outbox = new OutboxAdmin(this.handlerDataSource, definition.schema);
    this.relay = new OutboxRelay(
      this.relayDataSource, definition.schema, connection.url, transport, relayOptions, logger, relayObserver, this.signal,
    );
    this.retention = new MessagingRetention(this.handlerDataSource, definition.schema, retentionOptions);
    this.retentionJob = new PeriodicJob(`retention of ${definition.module} messaging tables`, retentionOptions.intervalMs,
      () => this.retention.sweep(), (message) => logger.warn(message));
  }

  get module(): string {
    return this.definition.module;
  }

  /** Answers once the module's pool can run a query, or rejects (readiness checks). */
  async ping(): Promise<void> {
    if (!this.dataSource.isInitialized) throw new Error('the connection pool is not open');
    await this.dataSource.query('SELECT 1');
  }

  async onModuleInit(): Promise<void> {
    // The three pools open side by side: each first connection pays a SCRAM handshake.
    await sideBySide([this.dataSource, this.handlerDataSource, this.relayDataSource].map(async (pool) => {
      if (!pool.isInitialized) await pool.initialize();
    }));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.relay.start();
    this.retentionJob.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.retentionJob.stop();
    await this.relay.stop();
    this.signal.close();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    if (this.handlerDataSource.isInitialized) await this.handlerDataSource.destroy();
    if (this.relayDataSource.isInitialized) await this.relayDataSource.destroy();
  }
}

/**
 * Every module's ModuleDatabase, registered as each is created. Module providers stay private to
 * their module; this lets the composition root check and measure all of them (readiness,
 * outbox metrics) without knowing which modules exist. Provided by MessagingModule.
 */
export class ModuleDatabases {
  private readonly databases: ModuleDatabase[] = [];

  add(database: ModuleDatabase): ModuleDatabase {
    this.databases.push(database);
    return database;
  }

  list(): readonly ModuleDatabase[] {
    return this.databases;
  }
}

/**
 * The providers a module needs for its persistence: ModuleDatabase, and from it the module's
 * UnitOfWork and DataSource as injectable tokens.
 */
export function moduleDatabaseProviders(definition: ModuleDatabaseDefinition, connection: ModuleConnection): Provider[] {
  return [
    {
      provide: ModuleDatabase,
      useFactory: (transport: EventTransport, relayOptions: RelayOptions, observer: RelayObserver, retention: RetentionOptions, all: ModuleDatabases) =>
        all.add(new ModuleDatabase(definition, connection, transport, relayOptions, observer, retention)),
      inject: [EVENT_TRANSPORT, RELAY_OPTIONS, RELAY_OBSERVER, RETENTION_OPTIONS, ModuleDatabases],
    },
    { provide: UnitOfWork, useFactory: (db: ModuleDatabase) => db.unitOfWork, inject: [ModuleDatabase] },
    { provide: DataSource, useFactory: (db: ModuleDatabase) => db.dataSource, inject: [ModuleDatabase] },
  ];
}
