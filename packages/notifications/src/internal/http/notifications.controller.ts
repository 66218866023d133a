import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@orderly/kernel';
import type { NotificationListDto } from '../../contracts/dto.js';
import { NotificationQueries } from '../application/notification-queries.js';
import { ListNotificationsQuery } from './notification-requests.js';
import { NotificationListSchema } from './notification-schemas.js';

@Controller('notifications')
export class NotificationsController {
  constructor(private readonly queries: NotificationQueries) {}

  @Get()
  @ApiOperation({ summary: "List the notifications sent for an order", description: 'Empty until the order\'s confirmation has been sent (milliseconds after the order).' })
  @ApiResponse(200, { description: 'The notifications of the order, oldest first', schema: NotificationListSchema })
  list(@Query() query: ListNotificationsQuery): Promise<NotificationListDto> {
    return this.queries.forOrder(query.orderId);
  }
}
