import { decodeKeysetCursor, encodeKeysetCursor } from '@orderly/kernel';
import type { OrderAudience, OrderSummaryPageDto } from '../../contracts/dto.js';
import { InvalidOrderCursor } from './errors.js';
import type { OrderHistoryReader, OrderSummaryPosition } from './ports.js';

export const DEFAULT_ORDER_PAGE_SIZE = 20;

/**
 * The order history query (CQRS read side): newest first, optionally one customer's, keyset
 * paginated on (placedAt, id). A customer sees only their own orders, whatever filter they send. Served from the order_summaries read model, which the
 * ProjectOrderSummary handler keeps up to date from OrderPlaced - never by joining write tables.
 */
export class OrderHistory {
  constructor(private readonly reader: OrderHistoryReader) {}

  async list(query: { customerEmail?: string; limit?: number; cursor?: string }, audience: OrderAudience): Promise<OrderSummaryPageDto> {
    const limit = query.limit ?? DEFAULT_ORDER_PAGE_SIZE;
    const before = query.cursor ? decodeOrderCursor(query.cursor) : null;
    const rows = await this.reader.page({ audience, customerEmail: query.customerEmail ?? null, limit: limit + 1, before });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map(({ customerId: _owner, ...s }) => ({ ...s, placedAt: s.placedAt.toISOString(), statusChangedAt: s.statusChangedAt.toISOString() })),
      nextCursor: rows.length > limit && last ? encodeOrderCursor({ placedAt: last.placedAt, id: last.id }) : null,
    };
  }
}

export function encodeOrderCursor(position: OrderSummaryPosition): string {
  return encodeKeysetCursor({ at: position.placedAt, id: position.id });
}

export function decodeOrderCursor(cursor: string): OrderSummaryPosition {
  const position = decodeKeysetCursor(cursor);
  if (!position) throw new InvalidOrderCursor();
  return { placedAt: position.at, id: position.id };
}
