// The event contracts: each event version's committed JSON Schema (docs/events/) is what its
// consumers rely on, and docs/asyncapi.json describes them all for other services. Both are
// generated from the code (`npm run docs:events`) and must match it; a change to an event that
// breaks its committed contract fails here, naming the event and saying to publish a new version.
// The planted cases show each kind of break failing, and an added optional field passing.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Parser } from '@asyncapi/parser';
import type { EventSchema, JsonSchema } from '@orderly/kernel';
import * as notifications from '@orderly/notifications';
import * as orders from '@orderly/orders';
import * as products from '@orderly/products';
import { buildAsyncApiDocument } from '../../src/events/asyncapi-document.js';
import { PUBLISHED_EVENTS } from '../../src/events/event-catalog.js';
import { checkEventDocs, describeBreakingChange } from '../../src/events/event-contracts.js';
import { repositoryRoot } from './repository-copy.js';

const { OrderPlacedV1 } = orders;

/** OrderPlaced v1 with its payload schema edited as a developer might edit the code. */
function plantedOrderPlaced(edit: (payload: { properties: Record<string, JsonSchema>; required: string[] } & JsonSchema) => void): EventSchema<unknown> {
  const payload = structuredClone(OrderPlacedV1.payloadSchema) as { properties: Record<string, JsonSchema>; required: string[] } & JsonSchema;
  edit(payload);
  return { ...OrderPlacedV1, payloadSchema: payload } as EventSchema<unknown>;
}

const breaksOf = (schema: EventSchema<unknown>) => checkEventDocs(repositoryRoot, [schema]).breaking;

describe('the committed event contracts', () => {
  it('match the code: no event version breaks its contract, and docs/events/ and docs/asyncapi.json are what `npm run docs:events` writes', () => {
    const report = checkEventDocs(repositoryRoot);
    const complaints = [
      ...report.breaking.map(describeBreakingChange),
      ...[...report.stale, ...report.orphaned].map((path) => `${path} differs from what the code says: run \`npm run docs:events\` and review the diff.`),
    ];
    expect(complaints.join('\n\n')).toBe('');
  });

  it('list every event version each module exports from its public entry', () => {
    const exported = (api: object) =>
      Object.values(api).filter((value): value is EventSchema<unknown> => typeof value === 'object' && value !== null && 'payloadSchema' in value && 'version' in value);
    const publishedBy = (name: string) => PUBLISHED_EVENTS.find((p) => p.publisher === name)?.schemas ?? [];
    expect(publishedBy('@orderly/orders')).toEqual(expect.arrayContaining(exported(orders)));
    expect(exported(orders).length).toBe(publishedBy('@orderly/orders').length);
    expect(publishedBy('@orderly/products')).toEqual(exported(products));
    expect(exported(notifications)).toEqual([]);
  });

  it('go stale when the committed AsyncAPI document or a contract differs from the code', () => {
    const root = mkdtempSync(join(tmpdir(), 'orderly-event-docs-'));
    try {
      cpSync(join(repositoryRoot, 'docs'), join(root, 'docs'), { recursive: true });
      const asyncApi = join(root, 'docs/asyncapi.json');
      writeFileSync(asyncApi, readFileSync(asyncApi, 'utf8').replace('"title": "Orderly integration events"', '"title": "edited by hand"'));
      rmSync(join(root, 'docs/events/orders.OrderAbandoned.v1.json'));
      writeFileSync(join(root, 'docs/events/orders.OrderPlaced.v0.json'), '{}\n');
      expect(checkEventDocs(root)).toEqual({
        stale: ['docs/events/orders.OrderAbandoned.v1.json', 'docs/asyncapi.json'],
        orphaned: ['docs/events/orders.OrderPlaced.v0.json'],
        breaking: [],
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('a change to an event version', () => {
  it('passes when it adds an optional field', () => {
    expect(breaksOf(plantedOrderPlaced((p) => (p.properties.giftMessage = { type: 'string', minLength: 1 })))).toEqual([]);
  });

  it('fails when a field is removed, naming the event and saying to publish a new version (golden message)', () => {
    const [change] = breaksOf(plantedOrderPlaced((p) => {
      delete p.properties.customerEmail;
      p.required = p.required.filter((f) => f !== 'customerEmail');
    }));
    expect(describeBreakingChange(change!)).toBe(
      [
        'orders.OrderPlaced v1 breaks its committed contract docs/events/orders.OrderPlaced.v1.json:',
        '  - payload.customerEmail: removed',
        'Consumers rely on that contract. Publish a new version instead: add orders.OrderPlaced v2 beside v1 ' +
          '(a new EventSchema, published from then on) and keep v1 unchanged until no consumer needs it.',
      ].join('\n'),
    );
  });

  it('fails when a field is renamed', () => {
    const [change] = breaksOf(plantedOrderPlaced((p) => {
      p.properties.grandTotal = p.properties.total!;
      delete p.properties.total;
      p.required = p.required.map((f) => (f === 'total' ? 'grandTotal' : f));
    }));
    expect(change?.problems).toEqual(['payload.total: renamed to payload.grandTotal']);
  });

  it('fails when a type changes, also inside array items', () => {
    const [change] = breaksOf(plantedOrderPlaced((p) => {
      p.properties.total = { type: 'string' };
      (p.properties.lines!.items as { properties: Record<string, JsonSchema> }).properties.quantity = { type: 'number' };
    }));
    expect(change?.problems).toEqual(['payload.lines[].quantity: type changed from integer to number', 'payload.total: type changed from integer to string']);
  });

  it('fails when an optional field is made required, or a new field is added as required', () => {
    const committedOptional = plantedOrderPlaced((p) => (p.required = p.required.filter((f) => f !== 'placedAt')));
    // What the committed contract would say if placedAt had been optional, against today's code.
    const root = mkdtempSync(join(tmpdir(), 'orderly-event-docs-'));
    try {
      cpSync(join(repositoryRoot, 'docs'), join(root, 'docs'), { recursive: true });
      const file = join(root, 'docs/events/orders.OrderPlaced.v1.json');
      const committed = JSON.parse(readFileSync(file, 'utf8'));
      writeFileSync(file, JSON.stringify({ ...committed, payload: committedOptional.payloadSchema }));
      expect(checkEventDocs(root, [OrderPlacedV1 as EventSchema<unknown>]).breaking[0]?.problems).toEqual([
        'payload.placedAt: made required (events already published may lack it)',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    const [added] = breaksOf(plantedOrderPlaced((p) => {
      p.properties.currency = { type: 'string', minLength: 1 };
      p.required.push('currency');
    }));
    expect(added?.problems).toEqual(['payload.currency: added as required (events already published lack it; add it as optional)']);
  });

  it('fails when a field is narrowed (a format, length or enum added)', () => {
    const [change] = breaksOf(plantedOrderPlaced((p) => {
      p.properties.customerEmail = { type: 'string', minLength: 1, format: 'email' };
      p.properties.orderId = { type: 'string', minLength: 1, maxLength: 36 };
    }));
    expect(change?.problems).toEqual(['payload.orderId: narrowed (maxLength 36 added)', 'payload.customerEmail: narrowed (format "email" added)']);
  });
});

describe('the AsyncAPI document', () => {
  it('is a valid AsyncAPI 3.0 document (@asyncapi/parser) with a channel per event type and a message per version', async () => {
    const document = buildAsyncApiDocument();
    const { document: parsed, diagnostics } = await new Parser().parse(JSON.stringify(document));
    expect(diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
    expect(parsed).toBeDefined();
    expect(parsed!.version()).toBe('3.0.0');
    expect(parsed!.channels().all().map((c) => c.address()).sort()).toEqual([
      'orderly.events.{partition}.orders.OrderAbandoned',
      'orderly.events.{partition}.orders.OrderCancelled',
      'orderly.events.{partition}.orders.OrderPlaced',
      'orderly.events.{partition}.orders.OrderShipped',
      'orderly.events.{partition}.products.StockReservationExpired',
    ]);
    const placed = parsed!.components().messages().all().find((m) => m.id() === 'orders.OrderPlaced.v1');
    expect(placed?.payload()?.json()).toMatchObject({ properties: { payload: OrderPlacedV1.payloadSchema } });
    const receivers = parsed!.operations().all().filter((o) => o.action() === 'receive').map((o) => o.id()).sort();
    expect(receivers).toContain('notifications.SendOrderConfirmation.receive.orders.OrderPlaced.v1');
  });

  it('fails validation when planted wrong (an operation pointing at a channel that does not exist)', async () => {
    const document = buildAsyncApiDocument() as { operations: Record<string, { channel: { $ref: string } }> };
    document.operations['orders.OrderPlaced.publish']!.channel = { $ref: '#/channels/orders.Nowhere' };
    const { diagnostics } = await new Parser().parse(JSON.stringify(document));
    expect(diagnostics.filter((d) => d.severity === 0).length).toBeGreaterThan(0);
  });
});
