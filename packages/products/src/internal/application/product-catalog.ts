import { decodeKeysetCursor, encodeKeysetCursor } from '@orderly/kernel';
import type { ProductDto, ProductPageDto } from '../../contracts/dto.js';
import { InvalidCursor, ProductNotFound } from './errors.js';
import { toProductDto, toVersionedProduct, type VersionedProduct } from './product-presenter.js';
import type { ProductPosition, ProductReader } from './ports.js';

export const DEFAULT_PAGE_SIZE = 20;

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
    const after = cursor ? decodeCursor(cursor) : null;
    const rows = await this.reader.page(limit + 1, after);
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    const nextCursor = rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null;
    return { items: items.map(toProductDto), nextCursor };
  }
}

export function encodeCursor(position: ProductPosition): string {
  return encodeKeysetCursor({ at: position.createdAt, id: position.id });
}

export function decodeCursor(cursor: string): ProductPosition {
  const position = decodeKeysetCursor(cursor);
  if (!position) throw new InvalidCursor();
  return { createdAt: position.at, id: position.id };
}
