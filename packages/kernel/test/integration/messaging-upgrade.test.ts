// The migration to per-subscriber delivery on a database with existing data: events that were
// pending are delivered to every subscriber afterwards, in order; delivered ones stay delivered
// (and are swept by retention); dead ones stay dead, listed, and can be replayed.
import pg from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  addAggregateOrderIndexes,
  addOutboxTraceparent,
  addSubscriberDeliveries,
  createMessagingTables,
  createModuleDataSource,
  DEFAULT_RELAY_OPTIONS,
  InProcessEventTransport,
  OutboxAdmin,
  OutboxRelay,
  provisionModuleDatabases,
  type EventEnvelope,
  type ModuleDatabaseDefinition,
} from '../../src/index.js';
import { RELAY_FAILING_AFTER_MS } from '../../src/messaging/outbox-relay.js';
import { MessagingRetention } from '../../src/messaging/retention.js';
import { EntryAddedV1, silent, startKernelTestPostgres, waitFor } from './messaging.fixture.js';

/** A migration class named as TypeORM wants (<Name><timestamp>) that applies one messaging step to `schema`. */
function messagingStep(name: string, schema: string, step: (queryRunner: QueryRunner, schema: string) => Promise<void>) {
  const migration = class implements MigrationInterface {
    async up(queryRunner: QueryRunner): Promise<void> {
      await step(queryRunner, schema);
    }
    async down(): Promise<void> {}
  };
  Object.defineProperty(migration, 'name', { value: name });
  return migration;
}
class AddOutboxTraceparent1700000000102 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await addOutboxTraceparent(queryRunner, 'legacy');
  }
  async down(): Promise<void> {}
}

const CreateLegacy1700000000100 = messagingStep('CreateLegacy1700000000100', 'legacy', createMessagingTables);
const AddSubscriberDeliveries1700000000101 = messagingStep('AddSubscriberDeliveries1700000000101', 'legacy', addSubscriberDeliveries);
const AddAggregateOrderIndexes1700000000103 = messagingStep('AddAggregateOrderIndexes1700000000103', 'legacy', addAggregateOrderIndexes);
const CreateStale1700000000200 = messagingStep('CreateStale1700000000200', 'stale', createMessagingTables);
const AddStaleDeliveries1700000000201 = messagingStep('AddStaleDeliveries1700000000201', 'stale', addSubscriberDeliveries);

const before: ModuleDatabaseDefinition = { module: 'legacy', schema: 'legacy', role: 'test_legacy', entities: [], migrations: [CreateLegacy1700000000100] };
const after: ModuleDatabaseDefinition = { ...before, migrations: [CreateLegacy1700000000100, AddSubscriberDeliveries1700000000101, AddOutboxTraceparent1700000000102, AddAggregateOrderIndexes1700000000103] };

let postgres: Awaited<ReturnType<typeof startKernelTestPostgres>>;
let admin: pg.Client;

beforeAll(async () => {
  postgres = await startKernelTestPostgres();
  admin = new pg.Client(postgres.adminUrl);
  await admin.connect();
});

afterAll(async () => {
  await admin?.end();
  await postgres?.stop();
});

it('carries pending, delivered and dead events of the old tables over', async () => {
  await provisionModuleDatabases({ adminUrl: postgres.adminUrl, roleSecret: postgres.roleSecret, modules: [before] });
  const insert = (note: string, status: string) =>
    admin.query(
      `INSERT INTO legacy.outbox (id, type, version, aggregate_id, correlation_id, payload, occurred_at, status, attempts, last_error, delivered_at)
       VALUES (gen_random_uuid(), 'ledger.EntryAdded', 1, 'book-1', 'c', jsonb_build_object('note', $1::text), now() - interval '2 days', $2, $3, $4, $5)`,
      [note, status, status === 'pending' ? 0 : 1, status === 'dead' ? 'legacy.Audit: store unavailable' : null, status === 'delivered' ? new Date(Date.now() - 2 * 86_400_000) : null],
    );
  await insert('delivered long ago', 'delivered');
  await insert('dead before the upgrade', 'dead');
  await insert('first pending', 'pending');
  await insert('second pending', 'pending');

  const connections = await provisionModuleDatabases({ adminUrl: postgres.adminUrl, roleSecret: postgres.roleSecret, modules: [after] });
  const dataSource = createModuleDataSource(after, connections.get('legacy')!);
  await dataSource.initialize();
  try {
    const seen: string[] = [];
    const transport = new InProcessEventTransport();
    for (const name of ['legacy.Audit', 'legacy.Mirror']) {
      transport.subscribe(EntryAddedV1, { name, handle: async (event: EventEnvelope<{ note: string }>) => void seen.push(`${name}: ${event.payload.note}`) });
    }
    const relay = new OutboxRelay(dataSource, 'legacy', connections.get('legacy')!.url, transport, DEFAULT_RELAY_OPTIONS, silent);
    const outbox = new OutboxAdmin(dataSource, 'legacy');
    expect(await outbox.stats()).toMatchObject({ pending: 2, dead: 1 });

    await relay.drain();
    expect(seen.filter((s) => s.startsWith('legacy.Audit'))).toEqual(['legacy.Audit: first pending', 'legacy.Audit: second pending']);
    expect(seen.filter((s) => s.startsWith('legacy.Mirror'))).toEqual(['legacy.Mirror: first pending', 'legacy.Mirror: second pending']);
    const [dead] = await outbox.list(['dead']);
    expect(dead).toMatchObject({ status: 'dead', attempts: 1, lastError: 'legacy.Audit: store unavailable', deliveries: [] });

    await outbox.replay(dead!.id);
    await relay.drain();
    expect(await outbox.get(dead!.id)).toMatchObject({ status: 'delivered', deliveries: [{ subscriber: 'legacy.Audit', status: 'delivered' }, { subscriber: 'legacy.Mirror', status: 'delivered' }] });
    expect(await outbox.stats()).toEqual({ pending: 0, dead: 0, oldestPendingAgeMs: 0 });

    const retention = new MessagingRetention(dataSource, 'legacy', { outboxRetentionMs: 86_400_000, inboxRetentionMs: 86_400_000, batchSize: 100, intervalMs: 60_000 });
    expect(await retention.sweep()).toEqual({ outbox: 1, inbox: 0 }); // the one delivered two days ago
  } finally {
    await dataSource.destroy();
  }
}, 60_000);

it('a relay on messaging tables older than it reads reports why once the failure lasts, and recovers after the upgrade', async () => {
  const stale: ModuleDatabaseDefinition = { module: 'stale', schema: 'stale', role: 'test_stale', entities: [], migrations: [CreateStale1700000000200] };
  const connections = await provisionModuleDatabases({ adminUrl: postgres.adminUrl, roleSecret: postgres.roleSecret, modules: [stale] });
  const dataSource = createModuleDataSource(stale, connections.get('stale')!);
  await dataSource.initialize();
  const relay = new OutboxRelay(dataSource, 'stale', connections.get('stale')!.url, new InProcessEventTransport(), { ...DEFAULT_RELAY_OPTIONS, idlePollMs: 100 }, silent);
  try {
    const startedAt = Date.now();
    await relay.start();
    expect(relay.failure).toBeNull(); // one failed poll is not yet a failure
    await waitFor('the relay to report its failure', async () => relay.failure !== null);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(RELAY_FAILING_AFTER_MS);
    expect(relay.failure).toMatch(/(fanned_out|outbox_delivery).*does not exist/);
    expect(relay.isRunning).toBe(true);

    // The module's upgrade migration runs: the relay works again, and says so.
    await provisionModuleDatabases({ adminUrl: postgres.adminUrl, roleSecret: postgres.roleSecret, modules: [{ ...stale, migrations: [CreateStale1700000000200, AddStaleDeliveries1700000000201] }] });
    await waitFor('the relay to work again', async () => relay.failure === null);
  } finally {
    await relay.stop();
    await dataSource.destroy();
  }
}, 300_000);
