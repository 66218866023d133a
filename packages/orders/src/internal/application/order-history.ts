import { decodePageCursor, DEFAULT_PAGE_SIZE, keysetPage } from '@orderly/kernel';
import type { OrderAudience, OrderSummaryPageDto } from '../../contracts/dto.js';
import type { OrderHistoryReader } from './ports.js';

/**
 * The order history query (CQRS read side): newest first, optionally one customer's, keyset
 * paginated on (placedAt, id). A customer sees only their own orders, whatever filter they send. Served from the order_summaries read model, which the
 * ProjectOrderSummary handler keeps up to date from OrderPlaced - never by joining write tables.
 */
export class OrderHistory {
  constructor(private readonly reader: OrderHistoryReader) {}

  async list(query: { customerEmail?: string; limit?: number; cursor?: string }, audience: OrderAudience): Promise<OrderSummaryPageDto> {
    const position = query.cursor ? decodePageCursor(query.cursor) : null;
    const before = position && { placedAt: position.at, id: position.id };
    return keysetPage(
      query.limit ?? DEFAULT_PAGE_SIZE,
      (rows) => this.reader.page({ audience, customerEmail: query.customerEmail ?? null, limit: rows, before }),
      (summary) => ({ at: summary.placedAt, id: summary.id }),
      ({ customerId: _owner, ...summary }) => ({
        ...summary,
        placedAt: summary.placedAt.toISOString(),
        statusChangedAt: summary.statusChangedAt.toISOString(),
      }),
    );
  }
}
