import { ApplicationError, InvalidInputError, NotFoundError } from '@orderly/kernel';

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

export class InvalidCursor extends InvalidInputError {
  constructor() {
    super('cursor is not one this API returned; start again without a cursor.', {
      errors: [{ field: 'cursor', message: 'cursor is malformed' }],
    });
  }
}

