import { Controller, Get, Query } from '@nestjs/common';
import type { NotificationListDto } from '../../contracts/dto.js';
import { NotificationQueries } from '../application/notification-queries.js';
import { ListNotificationsQuery } from './notification-requests.js';

@Controller('notifications')
export class NotificationsController {
  constructor(private readonly queries: NotificationQueries) {}

  @Get()
  list(@Query() query: ListNotificationsQuery): Promise<NotificationListDto> {
    return this.queries.forOrder(query.orderId);
  }
}
