import { ProductNotFound } from './errors.js';
import { toVersionedProduct, type VersionedProduct } from './product-presenter.js';
import type { ProductsClock, ProductsUnitOfWork } from './ports.js';

/**
 * Withdraws a product: from now on an order for it is refused (422 naming it), while orders
 * already placed, and stock already reserved, are left as they are. Withdrawing it again answers
 * the product as it is and changes nothing.
 */
export class WithdrawProduct {
  constructor(
    private readonly uow: ProductsUnitOfWork,
    private readonly clock: ProductsClock,
  ) {}

  execute(productId: string): Promise<VersionedProduct> {
    return this.uow.transaction(async ({ products }) => {
      const [product] = await products.getManyForUpdate([productId]);
      if (!product) throw new ProductNotFound(productId);
      const expectedVersion = product.version;
      if (product.withdraw(this.clock.now())) await products.saveEntry(product, expectedVersion);
      return toVersionedProduct(product.snapshot());
    });
  }
}
