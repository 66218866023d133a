import { randomUUID } from 'node:crypto';
import type { ProductDto } from '../../contracts/dto.js';
import { Product } from '../domain/product.js';
import { toProductDto } from './product-presenter.js';
import type { ProductsClock, ProductsUnitOfWork } from './ports.js';

export interface CreateProductCommand {
  /** A fixed id (the demo catalog's, so documentation examples can name its products); new when absent. */
  readonly id?: string;
  readonly sku: string;
  readonly name: string;
  readonly unitPrice: number;
  readonly stock: number;
}

export class CreateProduct {
  constructor(
    private readonly uow: ProductsUnitOfWork,
    private readonly clock: ProductsClock,
    private readonly newId: () => string = randomUUID,
  ) {}

  async execute(command: CreateProductCommand): Promise<ProductDto> {
    const product = Product.create({ ...command, id: command.id ?? this.newId(), now: this.clock.now() });
    await this.uow.transaction((scope) => scope.products.add(product));
    return toProductDto(product.snapshot());
  }
}
