// Provider verification of the consumer-driven contracts on orders' events (docs/adr/0015): every
// packages/<consumer>/consumer-contracts/orders.*.json states what a consumer's handler reads from
// one event version. Orders' published schema must keep guaranteeing it, and a payload PlaceOrder
// really publishes must carry it. A change that breaks a consumer fails here, naming it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unmetNeeds, valueMisses, type ConsumerContract, type EventSchema, type JsonSchema } from '@orderly/kernel';
import * as orders from '@orderly/orders';
import { PlaceOrder } from '../../src/internal/application/place-order.js';
import { FakeInventory, FakeOrdersUnitOfWork } from '../fakes/fakes.js';

const packagesDir = fileURLToPath(new URL('../../..', import.meta.url));
const contracts = readdirSync(packagesDir).flatMap((pkg) => {
  const dir = join(packagesDir, pkg, 'consumer-contracts');
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.startsWith('orders.') && f.endsWith('.json'));
  } catch {
    return [];
  }
  return files.map((file) => ({ file: `packages/${pkg}/consumer-contracts/${file}`, contract: JSON.parse(readFileSync(join(dir, file), 'utf8')) as ConsumerContract }));
});

const published = (Object.values(orders) as unknown[]).filter((v): v is EventSchema<unknown> => typeof v === 'object' && v !== null && 'payloadSchema' in v);

/** What the author of a breaking change reads. */
function verify(file: string, contract: ConsumerContract, schema: EventSchema<unknown> | undefined, payload: unknown): string | null {
  const problems = schema
    ? [...unmetNeeds(contract.needs, schema.payloadSchema), ...valueMisses(contract.needs, payload).map((p) => `${p} (in a payload PlaceOrder publishes)`)]
    : [`orders publishes no ${contract.event} v${contract.version} any more`];
  if (problems.length === 0) return null;
  return [
    `${contract.event} v${contract.version} breaks the contract of consumer ${contract.consumer} (${contract.handler}, ${file}):`,
    ...problems.map((p) => `  - ${p}`),
    `Keep what ${contract.consumer} reads, or agree a new version with its owners (publish v${contract.version + 1} beside v${contract.version}).`,
  ].join('\n');
}

async function placedPayload(): Promise<unknown> {
  const uow = new FakeOrdersUnitOfWork();
  const inventory = new FakeInventory({ mug: { available: 5, unitPrice: 1299 } });
  await new PlaceOrder(uow, inventory, { now: () => new Date('2026-01-01T00:00:00Z') }, () => 'order-1').execute({
    placedBy: { customerId: 'customer:ada@example.com', email: 'ada@example.com' },
    customerEmail: 'ada@example.com',
    items: [{ productId: 'mug', quantity: 2 }],
  });
  return uow.published.find((e) => e.type === 'orders.OrderPlaced')!.payload;
}

it('finds the consumers’ contracts on orders’ events (notifications’ on OrderPlaced among them)', () => {
  expect(contracts.map((c) => `${c.contract.consumer} ${c.contract.event} v${c.contract.version}`)).toContain('@orderly/notifications orders.OrderPlaced v1');
});

it.each(contracts.map((c) => [c.file, c]))('keeps %s', async (_file, { file, contract }) => {
  const schema = published.find((s) => s.type === contract.event && s.version === contract.version);
  const payload = contract.event === 'orders.OrderPlaced' ? await placedPayload() : contract.example;
  expect(verify(file, contract, schema, payload)).toBeNull();
});

describe('planted breaking changes fail, naming the consumer', () => {
  const { file, contract } = contracts.find((c) => c.contract.consumer === '@orderly/notifications' && c.contract.event === 'orders.OrderPlaced')!;
  const edited = (edit: (p: { properties: Record<string, JsonSchema>; required: string[] }) => void) => {
    const payloadSchema = structuredClone(orders.OrderPlacedV1.payloadSchema) as { properties: Record<string, JsonSchema>; required: string[] };
    edit(payloadSchema);
    return { ...orders.OrderPlacedV1, payloadSchema } as EventSchema<unknown>;
  };

  it('a field the consumer reads removed from the schema (golden message)', async () => {
    const schema = edited((p) => {
      delete p.properties.customerEmail;
      p.required = p.required.filter((f) => f !== 'customerEmail');
    });
    const { customerEmail: _dropped, ...payload } = (await placedPayload()) as Record<string, unknown>;
    expect(verify(file, contract, schema, payload)).toBe(
      [
        'orders.OrderPlaced v1 breaks the contract of consumer @orderly/notifications (notifications.SendOrderConfirmation, packages/notifications/consumer-contracts/orders.OrderPlaced.v1.json):',
        '  - payload.customerEmail: the consumer reads it, the publisher no longer has it',
        '  - payload.customerEmail: missing (in a payload PlaceOrder publishes)',
        'Keep what @orderly/notifications reads, or agree a new version with its owners (publish v2 beside v1).',
      ].join('\n'),
    );
  });

  it('a field the consumer reads made optional, or its type changed inside the lines', async () => {
    const schema = edited((p) => {
      p.required = p.required.filter((f) => f !== 'total');
      (p.properties.lines!.items as { properties: Record<string, JsonSchema> }).properties.lineTotal = { type: 'string' };
    });
    expect(verify(file, contract, schema, await placedPayload())?.split('\n').slice(1, 3)).toEqual([
      '  - payload.total: the consumer reads it, the publisher no longer guarantees it (not required)',
      '  - payload.lines[].lineTotal: the consumer needs integer, the publisher declares string',
    ]);
  });

  it('a field the publisher no longer fills in (the schema unchanged, the payload not)', async () => {
    const payload = { ...((await placedPayload()) as Record<string, unknown>), total: '38.47' };
    expect(verify(file, contract, orders.OrderPlacedV1 as EventSchema<unknown>, payload)).toContain('  - payload.total: expected integer, got string (in a payload PlaceOrder publishes)');
  });
});
