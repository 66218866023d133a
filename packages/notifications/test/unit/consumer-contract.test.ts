// The consumer side of notifications' contract with orders (consumer-contracts/orders.OrderPlaced.v1.json):
// the handler does its whole job from an event that carries only what the contract says it needs,
// so the contract is all orders has to keep (orders' tests verify that it does).
import { readFileSync } from 'node:fs';
import { valueMisses, type ConsumerContract, type EventEnvelope } from '@orderly/kernel';
import type { OrderConfirmationNeeded } from '@orderly/notifications';
import { SendOrderConfirmation } from '../../src/internal/application/send-order-confirmation.js';
import { FakeEmailTransport, FakeNotificationsUnitOfWork } from '../fakes/fakes.js';

const contract = JSON.parse(readFileSync(new URL('../../consumer-contracts/orders.OrderPlaced.v1.json', import.meta.url), 'utf8')) as ConsumerContract;

it('names this module as the consumer and the handler that reads the event', () => {
  expect([contract.consumer, contract.handler, contract.event, contract.version]).toEqual([
    '@orderly/notifications',
    new SendOrderConfirmation(new FakeNotificationsUnitOfWork(), new FakeEmailTransport()).name,
    'orders.OrderPlaced',
    1,
  ]);
  expect(valueMisses(contract.needs, contract.example)).toEqual([]);
});

it('sends and records the confirmation from the contract’s fields alone', async () => {
  const uow = new FakeNotificationsUnitOfWork();
  const transport = new FakeEmailTransport();
  const event: EventEnvelope<OrderConfirmationNeeded> = {
    id: '3f1c1e36-8d0a-4a8e-9d43-1b2f0c0d9a11',
    type: contract.event,
    version: contract.version,
    occurredAt: '2026-01-01T00:00:00.000Z',
    aggregateId: 'o-1',
    correlationId: 'c-1',
    causationId: null,
    payload: contract.example as OrderConfirmationNeeded,
  };
  await new SendOrderConfirmation(uow, transport, () => 'n-1').handle(event);
  expect(transport.sent).toHaveLength(1);
  expect(transport.sent[0]).toMatchObject({ to: 'ada@example.com', subject: 'Your order o-1 is confirmed' });
  expect(transport.sent[0]!.text).not.toContain('undefined');
  expect(uow.notifications.map((n) => [n.orderId, n.template])).toEqual([['o-1', 'order-confirmation']]);
});
