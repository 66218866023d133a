import { ApplicationError, NotFoundError } from '@orderly/kernel';

export class ProductNotFound extends NotFoundError {
  constructor(id: string) {
    super('Product', id);
  }
}

export class SkuAlreadyExists extends ApplicationError {
  readonly kind = 'conflict' as const;
  readonly title = 'SKU already exists';
  constructor(sku: string) {
    super(`A product with sku "${sku}" already exists.`, { sku });
  }
}
