import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiProblem, ApiResponse } from '@orderly/kernel';
import type { OrderDto } from '../../contracts/dto.js';
import { OrderQueries } from '../application/order-queries.js';
import { PlaceOrder } from '../application/place-order.js';
import { PlaceOrderRequest } from './order-requests.js';
import { IdempotencyKeyHeader, OrderSchema, ShortLineSchema } from './order-schemas.js';

interface HeaderSink {
  setHeader(name: string, value: string): unknown;
}

@Controller('orders')
export class OrdersController {
  constructor(
    private readonly placeOrder: PlaceOrder,
    private readonly queries: OrderQueries,
  ) {}

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
  @ApiProblem(409, { description: 'A request with the same Idempotency-Key is still being processed' })
  @ApiProblem(422, {
    description: 'Some products do not exist; nothing was reserved',
    title: 'Unknown products',
    extensions: { unknownProductIds: { type: 'array', minItems: 1, items: { type: 'string', format: 'uuid' } } },
  })
  @ApiProblem(422, { description: 'The Idempotency-Key was already used with a different body' })
  async place(@Body() body: PlaceOrderRequest, @Res({ passthrough: true }) response: HeaderSink): Promise<OrderDto> {
    const order = await this.placeOrder.execute(body);
    response.setHeader('Location', `/orders/${order.id}`);
    return order;
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one order' })
  @ApiResponse(200, { description: 'The order', schema: OrderSchema })
  @ApiProblem(404, { description: 'No order has this id', title: 'Order not found' })
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<OrderDto> {
    return this.queries.get(id);
  }
}
