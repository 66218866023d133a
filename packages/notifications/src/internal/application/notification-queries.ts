import type { NotificationListDto } from '../../contracts/dto.js';
import type { NotificationReader } from './ports.js';

export class NotificationQueries {
  constructor(private readonly reader: NotificationReader) {}

  async forOrder(orderId: string): Promise<NotificationListDto> {
    const found = await this.reader.forOrder(orderId);
    return { items: found.map((n) => ({ ...n, createdAt: n.createdAt.toISOString() })) };
  }
}
