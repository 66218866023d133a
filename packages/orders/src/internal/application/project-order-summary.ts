import type { EventEnvelope, EventHandler } from '@orderly/kernel';
import type { OrderPlaced } from '../../contracts/events.js';
import type { OrderHistoryProjection } from './ports.js';
import { PROJECT_ORDER_SUMMARY } from '../../contracts/handlers.js';

/**
 * Keeps the order history read model up to date: one summary row per OrderPlaced, written in the
 * same transaction as the inbox row, so a redelivered event changes nothing.
 */
export class ProjectOrderSummary implements EventHandler<OrderPlaced> {
  readonly name = PROJECT_ORDER_SUMMARY.name;

  constructor(private readonly projection: OrderHistoryProjection) {}

  readonly handle = async (event: EventEnvelope<OrderPlaced>): Promise<void> => {
    const order = event.payload;
    await this.projection.handleOnce(event, this.name, (summaries) =>
      summaries.add({
        id: order.orderId,
        customerId: order.customerId ?? null,
        customerEmail: order.customerEmail,
        total: order.total,
        itemCount: order.lines.reduce((sum, line) => sum + line.quantity, 0),
        placedAt: new Date(order.placedAt),
        status: 'confirmed',
        statusChangedAt: new Date(order.placedAt),
      }),
    );
  };
}
