import type { OrderAudience, OrderDto } from '../../contracts/dto.js';
import { OrderNotFound } from './errors.js';
import type { OrderReader } from './ports.js';

export class OrderQueries {
  constructor(private readonly reader: OrderReader) {}

  /** Another customer's order is not found, exactly like an id that does not exist. */
  async get(id: string, audience: OrderAudience): Promise<OrderDto> {
    const order = await this.reader.get(id, audience);
    if (!order) throw new OrderNotFound(id);
    return order;
  }
}
