import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, CurrentPrincipal, hasScope, RequireScope, type Principal } from '@orderly/kernel';
import type { NotificationAudience, NotificationListDto } from '../../contracts/dto.js';
import { NOTIFICATION_SCOPES } from '../../contracts/scopes.js';
import { NotificationQueries } from '../application/notification-queries.js';
import { ListNotificationsQuery } from './notification-requests.js';
import { NotificationListSchema } from './notification-schemas.js';

@Controller('notifications')
export class NotificationsController {
  constructor(private readonly queries: NotificationQueries) {}

  @Get()
  @RequireScope(NOTIFICATION_SCOPES.read, NOTIFICATION_SCOPES.readAny)
  @ApiOperation({
    summary: 'List the notifications sent for an order',
    description:
      "Empty until the order's confirmation has been sent (milliseconds after the order). A customer (orders:read) sees only their own orders' notifications: " +
      "another customer's order answers an empty list, exactly like an order id that does not exist.",
  })
  @ApiResponse(200, { description: 'The notifications of the order, oldest first', schema: NotificationListSchema })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListNotificationsQuery): Promise<NotificationListDto> {
    return this.queries.forOrder(query.orderId, audienceOf(principal));
  }
}

/** Staff read every order's notifications; anyone else only their own orders'. */
function audienceOf(principal: Principal): NotificationAudience {
  return hasScope(principal, NOTIFICATION_SCOPES.readAny) ? { kind: 'everyone' } : { kind: 'customer', customerId: principal.subject };
}
