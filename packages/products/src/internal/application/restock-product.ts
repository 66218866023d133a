import type { ProductDto } from '../../contracts/dto.js';
import { ProductNotFound } from './errors.js';
import { toProductDto } from './product-presenter.js';
import type { ProductsUnitOfWork } from './ports.js';

export class RestockProduct {
  constructor(private readonly uow: ProductsUnitOfWork) {}

  async execute(productId: string, quantity: number): Promise<ProductDto> {
    return this.uow.transaction(async ({ products }) => {
      const [product] = await products.getManyForUpdate([productId]);
      if (!product) throw new ProductNotFound(productId);
      const expectedVersion = product.version;
      product.restock(quantity);
      await products.save(product, expectedVersion);
      return toProductDto(product.snapshot());
    });
  }
}
