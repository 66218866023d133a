import type { OrderDto } from '../../contracts/dto.js';
import { OrderNotFound } from './errors.js';
import type { OrderReader } from './ports.js';

export class OrderQueries {
  constructor(private readonly reader: OrderReader) {}

  async get(id: string): Promise<OrderDto> {
    const order = await this.reader.get(id);
    if (!order) throw new OrderNotFound(id);
    return order;
  }
}
