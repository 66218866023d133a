import { ApplicationError, InvalidInputError, NotFoundError } from '@orderly/kernel';

export class OrderNotFound extends NotFoundError {
  constructor(id: string) {
    super('Order', id);
  }
}

export class UnknownProducts extends ApplicationError {
  readonly kind = 'unprocessable' as const;
  readonly title = 'Unknown products';
  constructor(productIds: readonly string[]) {
    super(`These products do not exist: ${productIds.join(', ')}.`, { unknownProductIds: productIds });
  }
}

export class InsufficientStock extends ApplicationError {
  readonly kind = 'conflict' as const;
  readonly title = 'Insufficient stock';
  constructor(lines: readonly { productId: string; requested: number; available: number }[]) {
    super(
      `Not enough stock for: ${lines.map((l) => `${l.productId} (requested ${l.requested}, available ${l.available})`).join(', ')}. Nothing was reserved.`,
      { shortLines: lines },
    );
  }
}

export class InvalidOrderCursor extends InvalidInputError {
  constructor() {
    super('cursor is not one this API returned; start again without a cursor.', {
      errors: [{ field: 'cursor', message: 'cursor is malformed' }],
    });
  }
}
