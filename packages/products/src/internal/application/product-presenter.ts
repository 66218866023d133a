import type { ProductDto } from '../../contracts/dto.js';
import type { ProductState } from '../domain/product.js';

export function toProductDto(state: ProductState): ProductDto {
  return {
    id: state.id,
    sku: state.sku,
    name: state.name,
    unitPrice: state.unitPrice,
    stock: state.stock,
    createdAt: state.createdAt.toISOString(),
    withdrawn: state.withdrawnAt !== null,
    withdrawnAt: state.withdrawnAt?.toISOString() ?? null,
  };
}

/** A product with its ETag, for answers that let a client edit it next (If-Match). */
export interface VersionedProduct {
  readonly product: ProductDto;
  readonly etag: string;
}

export function toVersionedProduct(state: ProductState): VersionedProduct {
  return { product: toProductDto(state), etag: productETag(state) };
}

/** The product's ETag: its version as a strong entity tag (RFC 9110), changed by every write. */
export function productETag(state: Pick<ProductState, 'version'>): string {
  return `"${state.version}"`;
}
