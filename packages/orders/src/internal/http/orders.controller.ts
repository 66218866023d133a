import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import type { OrderDto } from '../../contracts/dto.js';
import { OrderQueries } from '../application/order-queries.js';
import { PlaceOrder } from '../application/place-order.js';
import { PlaceOrderRequest } from './order-requests.js';

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
  async place(@Body() body: PlaceOrderRequest, @Res({ passthrough: true }) response: HeaderSink): Promise<OrderDto> {
    const order = await this.placeOrder.execute(body);
    response.setHeader('Location', `/orders/${order.id}`);
    return order;
  }

  @Get(':id')
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<OrderDto> {
    return this.queries.get(id);
  }
}
