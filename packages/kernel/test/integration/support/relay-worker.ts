// One relay as its own process, for the multi-relay tests: delivers the ledger outbox to three
// audit subscribers whose handlers are sometimes slower than the lease, so leases lapse mid-batch
// and other relays take the rows over. Prints one JSON line per lost lease; stops on SIGTERM.
import {
  createModuleDataSource,
  DEFAULT_RELAY_OPTIONS,
  InProcessEventTransport,
  OutboxRelay,
  UnitOfWork,
  type EventEnvelope,
  type EventHandler,
} from '../../../src/index.js';
import { auditModule, EntryAddedV1, ledgerModule, type EntryAdded } from '../messaging.fixture.js';

const leaseMs = Number(process.env.LEASE_MS);
const slowShare = Number(process.env.SLOW_SHARE);
const idleInTransactionTimeoutMs = process.env.IDLE_IN_TRANSACTION_TIMEOUT_MS ? Number(process.env.IDLE_IN_TRANSACTION_TIMEOUT_MS) : undefined;
const ledger = createModuleDataSource(ledgerModule, { url: process.env.LEDGER_URL!, handlerPoolSize: 4, idleInTransactionTimeoutMs }, 'handlers');
const audit = createModuleDataSource(auditModule, { url: process.env.AUDIT_URL!, handlerPoolSize: 6, idleInTransactionTimeoutMs }, 'handlers');
await ledger.initialize();
await audit.initialize();
const uow = new UnitOfWork(audit, 'audit');

/** Records its effect once per event (inbox); sometimes takes longer than the lease. */
function recorder(name: string): EventHandler<EntryAdded> {
  return {
    name,
    handle: async (event: EventEnvelope<EntryAdded>) => {
      const slow = Math.random() < slowShare;
      await uow.transactionOnce(event, name, async (tx) => {
        await tx.manager.query('INSERT INTO audit.effects (subscriber, event_id, aggregate_id, note) VALUES ($1, $2, $3, $4)', [
          name, event.id, event.aggregateId, event.payload.note,
        ]);
        await new Promise((r) => setTimeout(r, slow ? leaseMs * 1.5 : Math.random() * 10));
      });
    },
  };
}

const transport = new InProcessEventTransport();
for (const name of ['audit.First', 'audit.Second', 'audit.Third']) transport.subscribe(EntryAddedV1, recorder(name));

const relay = new OutboxRelay(
  ledger,
  'ledger',
  process.env.LEDGER_URL!,
  transport,
  { ...DEFAULT_RELAY_OPTIONS, leaseMs, batchSize: 8, batchesInFlight: 2, idlePollMs: 50, backoffBaseMs: 10, backoffMaxMs: 50 },
  {
    warn: (message) => {
      const lost = /lost the lease on (\d+) of/.exec(message);
      if (lost) process.stdout.write(`${JSON.stringify({ lostLeases: Number(lost[1]) })}\n`);
    },
    error: (message) => process.stderr.write(`${message}\n`),
  },
);
await relay.start();
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
process.on('SIGTERM', () => {
  void (async () => {
    await relay.stop();
    await ledger.destroy();
    await audit.destroy();
    process.exit(0);
  })();
});
