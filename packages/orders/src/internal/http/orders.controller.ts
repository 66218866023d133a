import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import type { OrderDto, OrderSummaryPageDto } from '../../contracts/dto.js';
import { OrderHistory } from '../application/order-history.js';
import { OrderQueries } from '../application/order-queries.js';
import { PlaceOrder } from '../application/place-order.js';
import { ListOrdersQuery, PlaceOrderRequest } from './order-requests.js';

interface HeaderSink {
  setHeader(name: string, value: string): unknown;
}

@Controller('orders')
export class OrdersController {
  constructor(
    private readonly placeOrder: PlaceOrder,
    private readonly queries: OrderQueries,
    private readonly history: OrderHistory,
  ) {}

  @Post()
  async place(@Body() body: PlaceOrderRequest, @Res({ passthrough: true }) response: HeaderSink): Promise<OrderDto> {
    const order = await this.placeOrder.execute(body);
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
