// Event delivery under pressure, through the real app: with one connection per pool (the
// smallest DATABASE_POOL_SIZE and EVENT_HANDLER_POOL_SIZE the configuration accepts) and an SMTP
// server that never answers, orders are still accepted, the read model still follows them (the
// mail subscriber's trouble delays no other subscriber), readiness stays green while the mail
// backlog waits, and the backlog is visible per subscriber at /metrics (management listener).
import { createServer, type Server, type Socket } from 'node:net';
import { eventually, freePort } from '@orderly/testing';
import { http, startOrderlyForTest, type OrderlyUnderTest } from './orderly-harness.js';

let sut: OrderlyUnderTest;
let silentSmtp: Server;
const sockets = new Set<Socket>();

beforeAll(async () => {
  // Accepts connections and never says a word: every send waits for the transport's timeout.
  const port = await freePort();
  silentSmtp = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => silentSmtp.listen(port, '127.0.0.1', resolve));
  sut = await startOrderlyForTest({ DATABASE_POOL_SIZE: '1', EVENT_HANDLER_POOL_SIZE: '1', SMTP_URL: `smtp://127.0.0.1:${port}` });
}, 120_000);

afterAll(async () => {
  // Refuse new connections first: the app's retries of the hanging sends then fail at once,
  // instead of hanging again for the transport's 10 s timeout while the app shuts down.
  const closed = new Promise((resolve) => silentSmtp?.close(resolve));
  for (const socket of sockets) socket.destroy();
  await sut?.stop();
  await closed;
});

async function metric(series: string): Promise<number | undefined> {
  const text = await (await fetch(`${sut.managementUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

it('accepts orders and keeps the read model current with one connection per pool and a mail server that hangs', async () => {
  const productId = (await http(sut.url, 'POST', '/products', { sku: 'KEEP-UP-1', name: 'p', unitPrice: 100, stock: 1_000 }, sut.staff)).body.id;
  const placed: string[] = [];
  for (let round = 0; round < 4; round++) {
    const answers = await Promise.all(
      [0, 1, 2, 3, 4].map((i) => {
        const customerEmail = `keep-up-${round}-${i}@example.com`;
        return http(sut.url, 'POST', '/orders', { customerEmail, items: [{ productId, quantity: 1 }] }, sut.customer(customerEmail));
      }),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(201);
      placed.push(answer.body.id);
    }
  }
  // The projection is another subscriber of OrderPlaced: the hanging SMTP server does not hold it up.
  const history = await eventually(async () => {
    const res = await http(sut.url, 'GET', '/orders?limit=100', undefined, sut.staff);
    return res.body.items.length === placed.length ? res.body.items : undefined;
  }, { timeoutMs: 60_000 });
  expect(history.map((o: { id: string }) => o.id).sort()).toEqual([...placed].sort());

  // The mail backlog is there, per subscriber, and the API stays in the load balancer.
  const waitingMail = 'orderly_event_deliveries_pending{module="orders",subscriber="notifications.SendOrderConfirmation"}';
  expect(await eventually(async () => ((await metric(waitingMail)) ?? 0) > 0 || undefined)).toBe(true);
  expect(await metric('orderly_event_deliveries_pending{module="orders",subscriber="orders.ProjectOrderSummary"}')).toBeUndefined();
  const ready = await http(sut.url, 'GET', '/health/ready');
  expect(ready.status).toBe(200);
  expect(await metric('orderly_outbox_oldest_pending_age_seconds{module="orders"}')).toBeGreaterThan(0);
}, 120_000);
