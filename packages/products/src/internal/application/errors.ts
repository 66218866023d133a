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

/** PATCH with an If-Match that no longer names the product's version: someone changed it since. */
export class ProductChangedSinceRead extends ApplicationError {
  readonly kind = 'precondition-failed' as const;
  readonly title = 'Product changed';
  constructor(productId: string, currentETag: string) {
    super(
      `Product ${productId} was changed since you read it (its ETag is now ${currentETag}); GET it again, reapply your change and send the new ETag in If-Match.`,
      { currentETag },
    );
  }
}

export class IfMatchRequired extends ApplicationError {
  readonly kind = 'precondition-required' as const;
  readonly title = 'If-Match required';
  constructor(why: string) {
    super(`${why} Send If-Match with the ETag from GET /products/{id}, so a change made since you read the product is not overwritten.`);
  }
}
