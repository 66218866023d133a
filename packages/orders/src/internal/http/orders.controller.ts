import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiProblem, ApiResponse, CurrentPrincipal, hasScope, ParseUuid, RequireScope, type Principal } from '@orderly/kernel';
import type { CustomerIdentity, OrderAudience, OrderDto, OrderSummaryPageDto } from '../../contracts/dto.js';
import { ORDER_SCOPES } from '../../contracts/scopes.js';
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
  @RequireScope(ORDER_SCOPES.write)
  @ApiOperation({
    summary: 'Place an order',
    description: 'Reserves the stock of every line, all or none, then records the order; its confirmation is sent asynchronously.',
    // The product is the demo catalog's blue mug (npm start seeds it into an empty database).
    requestExample: { customerEmail: 'ada@example.com', items: [{ productId: '5f1c6a4e-2b7d-4c1e-9a3f-0d8e7b6c5a01', quantity: 1 }] },
  })
  @ApiHeader(IdempotencyKeyHeader)
  @ApiResponse(201, {
    description: 'The placed order',
    schema: OrderSchema,
    headers: [{ name: 'Location', description: 'Where to read the order: /orders/{id}', required: true, schema: { type: 'string' } }],
  })
  @ApiProblem(403, {
    type: 'order-for-another-customer',
    description: "customerEmail is not the e-mail address of the caller's own account (the token's email claim); nothing was reserved",
    title: 'Order for another customer',
  })
  @ApiProblem(409, {
    type: 'insufficient-stock',
    description: 'Not enough stock for some lines; nothing was reserved',
    title: 'Insufficient stock',
    extensions: { shortLines: { type: 'array', minItems: 1, items: ShortLineSchema } },
  })
  @ApiProblem(409, { type: 'idempotent-request-in-progress', description: 'A request with the same Idempotency-Key is still being processed', title: 'Request in progress' })
  @ApiProblem(409, {
    type: 'idempotent-request-superseded',
    description: 'A repeat with the same Idempotency-Key took over this slow request; nothing was placed by this one',
    title: 'Request superseded',
  })
  @ApiProblem(409, {
    type: 'order-already-abandoned',
    description: 'Placing took longer than the stock reservation lasts, so the order was abandoned; nothing was placed',
    title: 'Order abandoned',
    extensions: { orderId: { type: 'string', format: 'uuid' } },
  })
  @ApiProblem(422, {
    type: 'unknown-products',
    description: 'Some products do not exist; nothing was reserved',
    title: 'Unknown products',
    extensions: { unknownProductIds: { type: 'array', minItems: 1, items: { type: 'string', format: 'uuid' } } },
  })
  @ApiProblem(422, {
    type: 'withdrawn-products',
    description: 'Some products were withdrawn from the catalog; nothing was reserved',
    title: 'Withdrawn products',
    extensions: { withdrawnProductIds: { type: 'array', minItems: 1, items: { type: 'string', format: 'uuid' } } },
  })
  @ApiProblem(422, { type: 'idempotency-key-reused', description: 'The Idempotency-Key was already used with a different body', title: 'Idempotency key reused' })
  async place(
    @CurrentPrincipal() principal: Principal,
    @Body() body: PlaceOrderRequest,
    @Headers(IDEMPOTENCY_KEY_HEADER) rawIdempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: HeaderSink,
  ): Promise<OrderDto> {
    const idempotencyKey = checkIdempotencyKey(rawIdempotencyKey);
    const command = { customerEmail: body.customerEmail, items: body.items, placedBy: customerOf(principal) };
    let order: OrderDto;
    if (idempotencyKey === undefined) {
      order = await this.placeOrder.execute(command);
    } else {
      const answer = await this.placeOrderIdempotently.execute(idempotencyKey, command);
      order = answer.order;
      if (answer.replayed) response.setHeader('Idempotent-Replayed', 'true');
    }
    response.setHeader('Location', `/orders/${order.id}`);
    return order;
  }

  /** Order history from the read model: may trail a just-placed order by a moment (README). */
  @Get()
  @RequireScope(ORDER_SCOPES.read, ORDER_SCOPES.readAny)
  @ApiOperation({
    summary: 'List orders, newest first',
    description:
      'A customer (orders:read) sees only their own orders, whatever customerEmail filter is sent; staff (orders:read:any) see every order and may filter by customerEmail. ' +
      'Served from the order history read model, kept up to date by OrderPlaced events: normally milliseconds behind a placed order, at most about a second when a wake-up is missed.',
  })
  @ApiResponse(200, { description: 'A page of order summaries', schema: OrderSummaryPageSchema })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListOrdersQuery): Promise<OrderSummaryPageDto> {
    return this.history.list(query, audienceOf(principal));
  }

  @Get(':id')
  @RequireScope(ORDER_SCOPES.read, ORDER_SCOPES.readAny)
  @ApiOperation({ summary: 'Get one order', description: "A customer (orders:read) gets only their own orders: another customer's order is answered 404, exactly like an unknown id." })
  @ApiResponse(200, { description: 'The order', schema: OrderSchema })
  @ApiProblem(404, { type: 'order-not-found', description: 'No order has this id (or it is not yours)', title: 'Order not found' })
  get(@CurrentPrincipal() principal: Principal, @Param('id', ParseUuid) id: string): Promise<OrderDto> {
    return this.queries.get(id, audienceOf(principal));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @RequireScope(ORDER_SCOPES.write, ORDER_SCOPES.fulfil)
  @ApiOperation({
    summary: 'Cancel an order',
    description:
      'Cancels a confirmed order: its stock goes back on the shelf and the customer gets a cancellation e-mail (both asynchronously, once). ' +
      'Safe to repeat: cancelling a cancelled order answers the same order and does nothing more. ' +
      "A customer (orders:write) cancels only their own orders: another customer's order is answered 404, exactly like an unknown id; staff (orders:fulfil) cancel any.",
  })
  @ApiResponse(200, { description: 'The cancelled order', schema: OrderSchema })
  @ApiProblem(404, { type: 'order-not-found', description: 'No order has this id (or it is not yours)', title: 'Order not found' })
  @ApiProblem(409, {
    type: 'only-confirmed-orders-can-be-cancelled',
    description: 'The order was shipped; only a confirmed order can be cancelled',
    title: 'Business rule violated',
    extensions: { rule: { const: 'OnlyConfirmedOrdersCanBeCancelled' }, currentStatus: { const: 'shipped' } },
  })
  cancel(@CurrentPrincipal() principal: Principal, @Param('id', ParseUuid) id: string): Promise<OrderDto> {
    const audience: OrderAudience = hasScope(principal, ORDER_SCOPES.fulfil) ? { kind: 'everyone' } : { kind: 'customer', customerId: principal.subject };
    return this.cancelOrder.execute(id, audience);
  }

  @Post(':id/ship')
  @HttpCode(200)
  @RequireScope(ORDER_SCOPES.fulfil)
  @ApiOperation({
    summary: 'Mark an order shipped',
    description:
      'Ships a confirmed order; the customer gets a shipped e-mail (asynchronously, once). ' +
      'Safe to repeat: shipping a shipped order answers the same order and does nothing more.',
  })
  @ApiResponse(200, { description: 'The shipped order', schema: OrderSchema })
  @ApiProblem(404, { type: 'order-not-found', description: 'No order has this id', title: 'Order not found' })
  @ApiProblem(409, {
    type: 'only-confirmed-orders-can-be-shipped',
    description: 'The order was cancelled; only a confirmed order can be shipped',
    title: 'Business rule violated',
    extensions: { rule: { const: 'OnlyConfirmedOrdersCanBeShipped' }, currentStatus: { const: 'cancelled' } },
  })
  ship(@Param('id', ParseUuid) id: string): Promise<OrderDto> {
    return this.shipOrder.execute(id);
  }
}

function customerOf(principal: Principal): CustomerIdentity {
  return { customerId: principal.subject, email: principal.email };
}

/** Staff read every order; anyone else only their own (the query is scoped to their subject). */
function audienceOf(principal: Principal): OrderAudience {
  return hasScope(principal, ORDER_SCOPES.readAny) ? { kind: 'everyone' } : { kind: 'customer', customerId: principal.subject };
}
