import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import pg from 'pg';
import {
  addAggregateOrderIndexes,
  addOutboxTraceparent,
  addSubscriberDeliveries,
  createModuleDataSource,
  OutboxAdmin,
  provisionModuleDatabases,
  UnitOfWork,
  type ModuleConnection,
  createMessagingTables,
  defineEventSchema,
  isString,
  findNatsServer,
  NATS_SERVER_INSTALL_HINT,
  startEmbeddedPostgres,
  startLocalNatsServer,
  type EventSchema,
  type ModuleDatabaseDefinition,
} from '../../src/index.js';

/** The event the "ledger" module publishes in these tests. */
export interface EntryAdded {
  note: string;
}
export const EntryAddedV1: EventSchema<EntryAdded> = defineEventSchema({
  type: 'ledger.EntryAdded',
  version: 1,
  description: 'A note was added to a book.',
  payload: { note: isString },
});

/** A relay logger that keeps the test output quiet (outcomes are asserted on the outbox rows). */
export const silent = { warn: () => undefined, error: () => undefined };

class CreateLedger1700000000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE ledger.entries (id serial PRIMARY KEY, note text NOT NULL)`);
    await createMessagingTables(queryRunner, 'ledger');
  }
  async down(): Promise<void> {}
}

class CreateAudit1700000000001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE audit.seen (event_id uuid PRIMARY KEY, aggregate_id text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())`);
    await createMessagingTables(queryRunner, 'audit');
  }
  async down(): Promise<void> {}
}

/** The second to fourth versions of the messaging tables (per-subscriber deliveries, traceparent, aggregate order indexes), as every module migrates to them. */
function subscriberDeliveriesMigration(schema: string, timestamp: number): new () => MigrationInterface {
  const migration = class implements MigrationInterface {
    async up(queryRunner: QueryRunner): Promise<void> {
      await addSubscriberDeliveries(queryRunner, schema);
      await addOutboxTraceparent(queryRunner, schema);
      await addAggregateOrderIndexes(queryRunner, schema);
    }
    async down(): Promise<void> {}
  };
  Object.defineProperty(migration, 'name', { value: `AddSubscriberDeliveries${timestamp}` });
  return migration;
}

/** Two tiny modules for testing the kernel's mechanisms: "ledger" publishes, "audit" subscribes. */
export const ledgerModule: ModuleDatabaseDefinition = {
  module: 'ledger', schema: 'ledger', role: 'test_ledger', entities: [],
  migrations: [CreateLedger1700000000000, subscriberDeliveriesMigration('ledger', 1700000000002)],
};
export const auditModule: ModuleDatabaseDefinition = {
  module: 'audit', schema: 'audit', role: 'test_audit', entities: [],
  migrations: [CreateAudit1700000000001, subscriberDeliveriesMigration('audit', 1700000000003)],
};

/** Empties both test modules' tables between tests. */
export const TRUNCATE_ALL = 'TRUNCATE ledger.outbox, ledger.outbox_delivery, ledger.entries, audit.inbox, audit.seen';

export async function startKernelTestPostgres() {
  const dir = mkdtempSync(join(tmpdir(), 'orderly-kernel-'));
  const server = await startEmbeddedPostgres({ dataDir: join(dir, 'data'), port: await freePort(), durable: false, fromTemplate: true });
  return {
    adminUrl: server.adminUrl,
    roleSecret: randomBytes(32).toString('base64url'),
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Whether the broker tests run here: without nats-server they are skipped (the kernel cannot use
 * @orderly/testing, which depends on it), except under CI=true, where a missing broker fails them.
 */
export function brokerTestsRun(): boolean {
  if (findNatsServer()) return true;
  if (process.env.CI === 'true') throw new Error(`CI=true and no broker: ${NATS_SERVER_INSTALL_HINT}`);
  console.warn(`kernel broker tests skipped: ${NATS_SERVER_INSTALL_HINT}`);
  return false;
}

/** A real nats-server with JetStream on a free port and a throwaway store. */
export async function startKernelTestBroker() {
  const dir = mkdtempSync(join(tmpdir(), 'orderly-kernel-nats-'));
  const server = await startLocalNatsServer({ storeDir: dir, port: await freePort() });
  return {
    url: server.url,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

/**
 * Both test modules provisioned on a throwaway PostgreSQL, with their pools open: the ledger's
 * unit of work (the publisher) and outbox admin, the audit's unit of work (the subscriber's
 * inbox), and an admin connection for assertions. `close()` undoes it all.
 */
export async function openLedgerAndAudit() {
  const postgres = await startKernelTestPostgres();
  const connections: Map<string, ModuleConnection> = await provisionModuleDatabases({
    adminUrl: postgres.adminUrl, roleSecret: postgres.roleSecret, modules: [ledgerModule, auditModule],
  });
  const admin = new pg.Client(postgres.adminUrl);
  await admin.connect();
  const ledger = createModuleDataSource(ledgerModule, connections.get('ledger')!);
  const audit = createModuleDataSource(auditModule, connections.get('audit')!);
  await ledger.initialize();
  await audit.initialize();
  return {
    postgres,
    connections,
    admin,
    ledger,
    audit,
    publisher: new UnitOfWork(ledger, 'ledger'),
    subscriberUow: new UnitOfWork(audit, 'audit'),
    outbox: new OutboxAdmin(ledger, 'ledger'),
    async close() {
      await ledger.destroy();
      await audit.destroy();
      await admin.end();
      await postgres.stop();
    },
  };
}

/** Polls `probe` until it returns a value (generous ceiling: a loaded machine), or fails naming `what`. */
export async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Polls `probe` until it holds, with a generous ceiling for a loaded machine. */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  await until(async () => ((await probe()) ? true : undefined), what, timeoutMs);
}
