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
import type { ModuleConnection, ModuleDatabaseDefinition } from '../persistence/module-database-definition.js';
import { UnitOfWork } from '../persistence/unit-of-work.js';
import { EVENT_TRANSPORT, type EventTransport } from '../messaging/event-transport.js';
import { OutboxRelay, type RelayObserver, type RelayOptions } from '../messaging/outbox-relay.js';
import { OutboxAdmin } from '../messaging/outbox-admin.js';
import { RELAY_OBSERVER, RELAY_OPTIONS } from './relay-tokens.js';

/**
 * One module's database at run time: its DataSource (its own role), its unit of work, and the
 * relay of its outbox, opened and closed with the Nest application. Each module provides its
 * own instance (Nest providers are module-scoped), so no module can reach another's.
 */
export class ModuleDatabase implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  readonly dataSource: DataSource;
  readonly unitOfWork: UnitOfWork;
  readonly relay: OutboxRelay;
  /** The module's outbox as operators and metrics see it (pending, dead, replay, discard). */
  readonly outbox: OutboxAdmin;

  constructor(
    readonly definition: ModuleDatabaseDefinition,
    connection: ModuleConnection,
    transport: EventTransport,
    relayOptions: RelayOptions,
    relayObserver?: RelayObserver,
  ) {
    this.dataSource = createModuleDataSource(definition, connection);
    this.unitOfWork = new UnitOfWork(this.dataSource, definition.schema);
    const logger = new Logger(`Relay:${definition.module}`);
    this.outbox = new OutboxAdmin(this.dataSource, definition.schema);
    this.relay = new OutboxRelay(this.dataSource, definition.schema, connection.url, transport, relayOptions, logger, relayObserver);
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
    if (!this.dataSource.isInitialized) await this.dataSource.initialize();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.relay.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
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
      useFactory: (transport: EventTransport, relayOptions: RelayOptions, observer: RelayObserver, all: ModuleDatabases) =>
        all.add(new ModuleDatabase(definition, connection, transport, relayOptions, observer)),
      inject: [EVENT_TRANSPORT, RELAY_OPTIONS, RELAY_OBSERVER, ModuleDatabases],
    },
    { provide: UnitOfWork, useFactory: (db: ModuleDatabase) => db.unitOfWork, inject: [ModuleDatabase] },
    { provide: DataSource, useFactory: (db: ModuleDatabase) => db.dataSource, inject: [ModuleDatabase] },
  ];
}
