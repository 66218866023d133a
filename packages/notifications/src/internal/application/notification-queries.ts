import type { NotificationAudience, NotificationListDto } from '../../contracts/dto.js';
import type { NotificationReader } from './ports.js';

export class NotificationQueries {
  constructor(private readonly reader: NotificationReader) {}

  /** A customer sees only their own orders' notifications: another's order looks like one with none. */
  async forOrder(orderId: string, audience: NotificationAudience): Promise<NotificationListDto> {
    const found = await this.reader.forOrder(orderId, audience);
    return {
      items: found.map((n) => ({
        id: n.id,
        orderId: n.orderId,
        channel: n.channel,
        recipient: n.recipient,
        template: n.template,
        status: n.status,
        createdAt: n.createdAt.toISOString(),
      })),
    };
  }
}
