import { ProductChangedSinceRead, ProductNotFound } from './errors.js';
import { productETag, toVersionedProduct, type VersionedProduct } from './product-presenter.js';
import type { ProductsUnitOfWork } from './ports.js';

export interface ProductChanges {
  readonly name?: string;
  readonly unitPrice?: number;
}

/**
 * Renames and/or reprices a product, only if it is still the version the client read: `ifMatch`
 * holds the ETags the client accepts (strong comparison, RFC 9110). The product's row is locked
 * first, so of concurrent edits carrying the same ETag one wins and the others find a newer
 * version (412) - never a lost update. Orders already placed keep the price they were placed at.
 */
export class EditProduct {
  constructor(private readonly uow: ProductsUnitOfWork) {}

  execute(productId: string, ifMatch: readonly string[], changes: ProductChanges): Promise<VersionedProduct> {
    return this.uow.transaction(async ({ products }) => {
      const [product] = await products.getManyForUpdate([productId]);
      if (!product) throw new ProductNotFound(productId);
      const current = productETag(product.snapshot());
      if (!ifMatch.includes(current)) throw new ProductChangedSinceRead(productId, current);
      const expectedVersion = product.version;
      product.edit(changes);
      await products.saveEntry(product, expectedVersion);
      return toVersionedProduct(product.snapshot());
    });
  }
}
