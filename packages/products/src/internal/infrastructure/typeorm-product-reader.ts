import type { DataSource } from 'typeorm';
import type { ProductState } from '../domain/product.js';
import type { ProductPosition, ProductReader } from '../application/ports.js';
import { ProductEntity } from './product.entity-schema.js';

export class TypeOrmProductReader implements ProductReader {
  constructor(private readonly dataSource: DataSource) {}

  get(id: string): Promise<ProductState | null> {
    return this.dataSource.getRepository(ProductEntity).findOneBy({ id });
  }

  page(limit: number, after: ProductPosition | null): Promise<ProductState[]> {
    const query = this.dataSource.getRepository(ProductEntity).createQueryBuilder('p');
    if (after) query.where('(p.created_at, p.id) > (:createdAt, :id)', { createdAt: after.createdAt, id: after.id });
    return query.orderBy('p.createdAt', 'ASC').addOrderBy('p.id', 'ASC').limit(limit).getMany();
  }
}
