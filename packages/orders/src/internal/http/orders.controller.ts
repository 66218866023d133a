import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiProblem, ApiResponse } from '@orderly/kernel';
import type { OrderDto, OrderSummaryPageDto } from '../../contracts/dto.js';
import { CancelOrder } from '../application/cancel-order.js';
import { OrderHistory } from '../application/order-history.js';
import { OrderQueries } from '../application/order-queries.js';
import { PlaceOrder } from '../application/place-order.js';
import { PlaceOrderIdempotently } from '../application/place-order-idempotently.js';
import { ShipOrder } from '../application/ship-order.js';
import { checkIdempotencyKey, IDEMPOTENCY_KEY_HEADER } from './idempotency-key.js';
import { ListOrdersQuery, PlaceOrderRequest } from './order-requests.js';
import { IdempotencyKeyHeader, OrderSchema, OrderSummaryPageSchema, ShortLineSchema } from './order-schemas.js';

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
    private readonly cancelOrder: CancelOrder,
    private readonly shipOrder: ShipOrder,
  ) {}

  /**
   * Places an order (201). With an `Idempotency-Key` header (1-255 printable characters), a repeat
   * of the same body returns the first answer (same order, 201, `Idempotent-Replayed: true`) and
   * reserves nothing more; a different body with the same key is 422; a repeat while the first
   * is still running waits for it, or gets 409 if it takes too long.
   */
  @Post()
  @ApiOperation({
    summary: 'Place an order',
    description: 'Reserves the stock of every line, all or none, then records the order; its confirmation is sent asynchronously.',
  })
  @ApiHeader(IdempotencyKeyHeader)
  @ApiResponse(201, {
    description: 'The placed order',
    schema: OrderSchema,
    headers: [{ name: 'Location', description: 'Where to read the order: /orders/{id}', required: true, schema: { type: 'string' } }],
  })
  @ApiProblem(409, {
    description: 'Not enough stock for some lines; nothing was reserved',
    title: 'Insufficient stock',
    extensions: { shortLines: { type: 'array', minItems: 1, items: ShortLineSchema } },
  })
  @ApiProblem(409, { description: 'A request with the same Idempotency-Key is still being processed', title: 'Request in progress' })
  @ApiProblem(409, {
    description: 'A repeat with the same Idempotency-Key took over this slow request; nothing was placed by this one',
    title: 'Request superseded',
  })
  @ApiProblem(409, {
    description: 'Placing took longer than the stock reservation lasts, so the order was abandoned; nothing was placed',
    title: 'Order abandoned',
    extensions: { orderId: { type: 'string', format: 'uuid' } },
  })
  @ApiProblem(422, {
    description: 'Some products do not exist; nothing was reserved',
    title: 'Unknown products',
    extensions: { unknownProductIds: { type: 'array', minItems: 1, items: { type: 'string', format: 'uuid' } } },
  })
  @ApiProblem(422, {
    description: 'Some products were withdrawn from the catalog; nothing was reserved',
    title: 'Withdrawn products',
    extensions: { withdrawnProductIds: { type: 'array', minItems: 1, items: { type: 'string', format: 'uuid' } } },
  })
  @ApiProblem(422, { description: 'The Idempotency-Key was already used with a different body', title: 'Idempotency key reused' })
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
  @ApiOperation({
    summary: 'List orders, newest first',
    description:
      'Served from the order history read model, kept up to date by OrderPlaced events: normally milliseconds behind a placed order, at most about a second when a wake-up is missed.',
  })
  @ApiResponse(200, { description: 'A page of order summaries', schema: OrderSummaryPageSchema })
  list(@Query() query: ListOrdersQuery): Promise<OrderSummaryPageDto> {
    return this.history.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one order' })
  @ApiResponse(200, { description: 'The order', schema: OrderSchema })
  @ApiProblem(404, { description: 'No order has this id', title: 'Order not found' })
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<OrderDto> {
    return this.queries.get(id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel an order',
    description:
      'Cancels a confirmed order: its stock goes back on the shelf and the customer gets a cancellation e-mail (both asynchronously, once). ' +
      'Safe to repeat: cancelling a cancelled order answers the same order and does nothing more.',
  })
  @ApiResponse(200, { description: 'The cancelled order', schema: OrderSchema })
  @ApiProblem(404, { description: 'No order has this id', title: 'Order not found' })
  @ApiProblem(409, {
    description: 'The order was shipped; only a confirmed order can be cancelled',
    title: 'Business rule violated',
    extensions: { rule: { const: 'OnlyConfirmedOrdersCanBeCancelled' }, currentStatus: { const: 'shipped' } },
  })
  cancel(@Param('id', new ParseUUIDPipe()) id: string): Promise<OrderDto> {
    return this.cancelOrder.execute(id);
  }

  @Post(':id/ship')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Mark an order shipped',
    description:
      'Ships a confirmed order; the customer gets a shipped e-mail (asynchronously, once). ' +
      'Safe to repeat: shipping a shipped order answers the same order and does nothing more.',
  })
  @ApiResponse(200, { description: 'The shipped order', schema: OrderSchema })
  @ApiProblem(404, { description: 'No order has this id', title: 'Order not found' })
  @ApiProblem(409, {
    description: 'The order was cancelled; only a confirmed order can be shipped',
    title: 'Business rule violated',
    extensions: { rule: { const: 'OnlyConfirmedOrdersCanBeShipped' }, currentStatus: { const: 'cancelled' } },
  })
  ship(@Param('id', new ParseUUIDPipe()) id: string): Promise<OrderDto> {
    return this.shipOrder.execute(id);
  }
}
