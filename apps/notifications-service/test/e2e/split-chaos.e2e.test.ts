// Chaos in split mode, as real processes: orders are placed continuously through two API
// instances while the notifications service, the broker and one API instance are each SIGKILLed
// and restarted at random moments. Afterwards every acknowledged order has exactly one
// confirmation, nothing is stuck in any outbox and no dead letter appeared.
import {
  brokerAvailable,
  eventually,
  type AppProcess,
} from '@orderly/testing';
import { createProduct, placeOrder, query, startApi, startNotificationsService, startSplitStack, type SplitStack } from './split-processes.js';

const describeWithBroker = brokerAvailable() ? describe : describe.skip;
const CHAOS_MS = 20_000;

describeWithBroker('chaos in split mode', () => {
  let stack: SplitStack;
  let apis: AppProcess[] = [];
  let service: AppProcess | undefined;

  beforeAll(async () => {
    stack = await startSplitStack();
  }, 300_000);

  afterAll(async () => {
    await Promise.all([...apis, ...(service ? [service] : [])].map((p) => p.kill('SIGKILL')));
    await stack?.stop();
  });

  it('loses and doubles no confirmation while the service, the broker and an API instance are killed at random moments', async () => {
    apis = await Promise.all([startApi(stack.database, stack.nats.url, stack.issuer), startApi(stack.database, stack.nats.url, stack.issuer)]);
    service = await startNotificationsService(stack.database, stack.nats.url, stack.issuer);
    const productId = await createProduct(apis[0]!.url, 'SPLIT-CHAOS', stack.issuer);

    const acknowledged: string[] = [];
    const kills: string[] = [];
    let placing = true;
    const placer = (async () => {
      for (let n = 0; placing; n++) {
        const api = apis[n % apis.length]!;
        const id = await placeOrder(api.url, productId, n, stack.issuer);
        if (id) acknowledged.push(id);
        else await new Promise((r) => setTimeout(r, 50)); // that instance is down: try the other
      }
    })();

    const pause = (min: number, max: number) => new Promise((r) => setTimeout(r, min + Math.random() * (max - min)));
    const victims = ['notifications-service', 'broker', 'api'] as const;
    const started = Date.now();
    // At least one round per victim, however long the restarts take on a loaded machine (a run
    // at load ~12 ended the window before the API's turn), then rounds until CHAOS_MS is over.
    for (let round = 0; round < victims.length || Date.now() - started < CHAOS_MS; round++) {
      await pause(1_000, 3_000);
      // Every victim at least once, then at random.
      const victim = round < victims.length ? victims[round]! : victims[Math.floor(Math.random() * victims.length)]!;
      kills.push(victim);
      if (victim === 'broker') {
        await stack.nats.kill();
        await pause(300, 2_000);
        await stack.nats.restart();
      } else if (victim === 'notifications-service') {
        await service.kill('SIGKILL');
        await pause(0, 1_000);
        service = await startNotificationsService(stack.database, stack.nats.url, stack.issuer);
      } else {
        const [killed] = apis.splice(1, 1); // the second instance; the first keeps taking orders
        await killed!.kill('SIGKILL');
        await pause(0, 1_000);
        apis.push(await startApi(stack.database, stack.nats.url, stack.issuer));
      }
    }
    placing = false;
    await placer;
    expect(new Set(kills)).toEqual(new Set(victims));
    expect(acknowledged.length).toBeGreaterThan(20);

    const confirmations = await eventually(
      async () => {
        const rows = await query<{ order_id: string; n: number }>(
          stack.postgres.adminUrl,
          `SELECT order_id, count(*)::int AS n FROM notifications.notifications WHERE template = 'order-confirmation' AND order_id = ANY($1) GROUP BY order_id`,
          [acknowledged],
        );
        return rows.length === acknowledged.length ? rows : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 500 },
    );
    expect(confirmations.filter((r) => r.n !== 1)).toEqual([]);
    await eventually(async () => {
      const [orders] = await query<{ n: number }>(stack.postgres.adminUrl, `SELECT count(*)::int AS n FROM orders.outbox WHERE status <> 'delivered'`);
      const [products] = await query<{ n: number }>(stack.postgres.adminUrl, `SELECT count(*)::int AS n FROM products.outbox WHERE status NOT IN ('delivered')`);
      return orders!.n === 0 && products!.n === 0 ? true : undefined;
    }, { timeoutMs: 120_000, intervalMs: 500 });
    expect(await query(stack.postgres.adminUrl, `SELECT id FROM notifications.outbox WHERE status = 'dead'`)).toEqual([]);
    expect(await query(stack.postgres.adminUrl, `SELECT id FROM orders.outbox WHERE status = 'dead'`)).toEqual([]);
  }, 600_000);
});
