import type { EventEnvelope, EventHandler } from '@orderly/kernel';
import type { OrderCancelled, OrderShipped } from '../../contracts/events.js';
import { PROJECT_ORDER_CANCELLATION, PROJECT_ORDER_SHIPMENT } from '../../contracts/handlers.js';
import type { OrderStatus } from '../domain/order-status.js';
import type { OrderHistoryProjection } from './ports.js';

/** Thrown when a status change arrives before the order's summary: the relay retries it later. */
export class OrderSummaryNotProjectedYet extends Error {
  constructor(orderId: string) {
    super(`The summary of order ${orderId} is not in the order history yet; its status change will be retried.`);
    this.name = 'OrderSummaryNotProjectedYet';
  }
}

async function projectStatus(
  projection: OrderHistoryProjection,
  event: EventEnvelope,
  handler: string,
  change: { orderId: string; status: OrderStatus; changedAt: string },
): Promise<void> {
  await projection.handleOnce(event, handler, async (summaries) => {
    const found = await summaries.changeStatus(change.orderId, change.status, new Date(change.changedAt));
    if (!found) throw new OrderSummaryNotProjectedYet(change.orderId);
  });
}

/** Shows a cancelled order as cancelled in the order history read model (from OrderCancelled). */
export class ProjectOrderCancellation implements EventHandler<OrderCancelled> {
  readonly name = PROJECT_ORDER_CANCELLATION.name;

  constructor(private readonly projection: OrderHistoryProjection) {}

  readonly handle = (event: EventEnvelope<OrderCancelled>): Promise<void> =>
    projectStatus(this.projection, event, this.name, { orderId: event.payload.orderId, status: 'cancelled', changedAt: event.payload.cancelledAt });
}

/** Shows a shipped order as shipped in the order history read model (from OrderShipped). */
export class ProjectOrderShipment implements EventHandler<OrderShipped> {
  readonly name = PROJECT_ORDER_SHIPMENT.name;

  constructor(private readonly projection: OrderHistoryProjection) {}

  readonly handle = (event: EventEnvelope<OrderShipped>): Promise<void> =>
    projectStatus(this.projection, event, this.name, { orderId: event.payload.orderId, status: 'shipped', changedAt: event.payload.shippedAt });
}
