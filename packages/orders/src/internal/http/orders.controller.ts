import { Body, Controller, Get, Headers, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import type { OrderDto, OrderSummaryPageDto } from '../../contracts/dto.js';
import { OrderHistory } from '../application/order-history.js';
import { OrderQueries } from '../application/order-queries.js';
import { PlaceOrder } from '../application/place-order.js';
import { PlaceOrderIdempotently } from '../application/place-order-idempotently.js';
import { checkIdempotencyKey, IDEMPOTENCY_KEY_HEADER } from './idempotency-key.js';
import { ListOrdersQuery, PlaceOrderRequest } from './order-requests.js';

interface HeaderSink {
  setHeader(name: string, value: string): unknown;
}

@Controller('orders')
export class OrdersController {
  constructor(
    private readonly placeOrder: PlaceOrder,
    private readonly placeOrderIdempotently: PlaceOrderIdempotently,
    private readonly queries: OrderQueries,
    private readonly history: OrderHistory,
  ) {}

  /**
   * Places an order (201). With an `Idempotency-Key` header (1-255 printable characters), a repeat
   * of the same body returns the first answer (same order, 201, `Idempotent-Replayed: true`) and
   * reserves nothing more; a different body with the same key is 422; a repeat while the first
   * is still running waits for it, or gets 409 if it takes too long.
   */
  @Post()
  async place(
    @Body() body: PlaceOrderRequest,
    @Headers(IDEMPOTENCY_KEY_HEADER) rawIdempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: HeaderSink,
  ): Promise<OrderDto> {
    const idempotencyKey = checkIdempotencyKey(rawIdempotencyKey);
    let order: OrderDto;
    if (idempotencyKey === undefined) {
      order = await this.placeOrder.execute(body);
    } else {
      const answer = await this.placeOrderIdempotently.execute(idempotencyKey, body);
      order = answer.order;
      if (answer.replayed) response.setHeader('Idempotent-Replayed', 'true');
    }
    response.setHeader('Location', `/orders/${order.id}`);
    return order;
  }

  /** Order history from the read model: may trail a just-placed order by a moment (README). */
  @Get()
  list(@Query() query: ListOrdersQuery): Promise<OrderSummaryPageDto> {
    return this.history.list(query);
  }

  @Get(':id')
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<OrderDto> {
    return this.queries.get(id);
  }
}
