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
import { OutboxRelay, type RelayOptions } from '../messaging/outbox-relay.js';
import { OutboxAdmin } from '../messaging/outbox-admin.js';
import { RELAY_OPTIONS } from './messaging.module.js';

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
  ) {
    this.dataSource = createModuleDataSource(definition, connection);
    this.unitOfWork = new UnitOfWork(this.dataSource, definition.schema);
    const logger = new Logger(`Relay:${definition.module}`);
    this.outbox = new OutboxAdmin(this.dataSource, definition.schema);
    this.relay = new OutboxRelay(this.dataSource, definition.schema, connection.url, transport, relayOptions, logger);
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
 * The providers a module needs for its persistence: ModuleDatabase, and from it the module's
 * UnitOfWork and DataSource as injectable tokens.
 */
export function moduleDatabaseProviders(definition: ModuleDatabaseDefinition, connection: ModuleConnection): Provider[] {
  return [
    {
      provide: ModuleDatabase,
      useFactory: (transport: EventTransport, relayOptions: RelayOptions) =>
        new ModuleDatabase(definition, connection, transport, relayOptions),
      inject: [EVENT_TRANSPORT, RELAY_OPTIONS],
    },
    { provide: UnitOfWork, useFactory: (db: ModuleDatabase) => db.unitOfWork, inject: [ModuleDatabase] },
    { provide: DataSource, useFactory: (db: ModuleDatabase) => db.dataSource, inject: [ModuleDatabase] },
  ];
}
