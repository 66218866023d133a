import { decodePageCursor, DEFAULT_PAGE_SIZE, keysetPage } from '@orderly/kernel';
import type { ProductDto, ProductPageDto } from '../../contracts/dto.js';
import { ProductNotFound } from './errors.js';
import { toProductDto, toVersionedProduct, type VersionedProduct } from './product-presenter.js';
import type { ProductReader } from './ports.js';

/** Queries: one product, or a stable keyset-paginated list (createdAt, then id). */
export class ProductCatalog {
  constructor(private readonly reader: ProductReader) {}

  async get(id: string): Promise<ProductDto> {
    return (await this.getVersioned(id)).product;
  }

  /** The product and its ETag (GET /products/:id). */
  async getVersioned(id: string): Promise<VersionedProduct> {
    const product = await this.reader.get(id);
    if (!product) throw new ProductNotFound(id);
    return toVersionedProduct(product);
  }

  async list(limit: number = DEFAULT_PAGE_SIZE, cursor?: string): Promise<ProductPageDto> {
    const position = cursor ? decodePageCursor(cursor) : null;
    const after = position && { createdAt: position.at, id: position.id };
    return keysetPage(limit, (rows) => this.reader.page(rows, after), (product) => ({ at: product.createdAt, id: product.id }), toProductDto);
  }
}
