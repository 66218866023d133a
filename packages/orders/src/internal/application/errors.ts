import { ApplicationError, NotFoundError } from '@orderly/kernel';

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

export class WithdrawnProducts extends ApplicationError {
  readonly kind = 'unprocessable' as const;
  readonly title = 'Withdrawn products';
  constructor(productIds: readonly string[]) {
    super(`These products were withdrawn and can no longer be ordered: ${productIds.join(', ')}. Nothing was reserved.`, {
      withdrawnProductIds: productIds,
    });
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

export class OrderAlreadyAbandoned extends ApplicationError {
  readonly kind = 'conflict' as const;
  readonly title = 'Order abandoned';
  constructor(orderId: string) {
    super(
      `Order ${orderId} took longer to place than its stock reservation lasts and was abandoned; nothing was placed. Send the order again.`,
      { orderId },
    );
  }
}

export class IdempotencyKeyReused extends ApplicationError {
  readonly kind = 'unprocessable' as const;
  readonly title = 'Idempotency key reused';
  constructor() {
    super('This Idempotency-Key was already used with a different request body. Use a new key for a different order.');
  }
}

export class IdempotentRequestInProgress extends ApplicationError {
  readonly kind = 'conflict' as const;
  readonly title = 'Request in progress';
  constructor() {
    super('A request with this Idempotency-Key is still being processed. Retry the same request shortly to get its answer.');
  }
}

export class IdempotentRequestSuperseded extends ApplicationError {
  readonly kind = 'conflict' as const;
  readonly title = 'Request superseded';
  constructor() {
    super('This request took so long that a repeat with the same Idempotency-Key took over; nothing was placed by this one. Retry to get the answer.');
  }
}

export class OrderForAnotherCustomer extends ApplicationError {
  readonly kind = 'forbidden' as const;
  readonly title = 'Order for another customer';
  constructor() {
    super('customerEmail must be the e-mail address of your own account (the email claim of your access token).');
  }
}
