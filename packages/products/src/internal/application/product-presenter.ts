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
  };
}
