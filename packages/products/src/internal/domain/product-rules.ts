import type { BusinessRule } from '@orderly/kernel/domain';

export const MAX_QUANTITY = 1_000_000_000;
export const MAX_UNIT_PRICE = 1_000_000_000;

export class SkuMustBeWellFormed implements BusinessRule {
  readonly name = 'SkuMustBeWellFormed';
  readonly message: string;
  constructor(private readonly sku: string) {
    this.message = `sku "${sku}" must be 1-64 letters, digits, "-" or "_"`;
  }
  isBroken() {
    return !/^[A-Za-z0-9_-]{1,64}$/.test(this.sku);
  }
}

export class NameMustBeOneTo200Characters implements BusinessRule {
  readonly name = 'NameMustBeOneTo200Characters';
  readonly message = 'name must be 1-200 characters, not all white space';
  constructor(private readonly productName: string) {}
  isBroken() {
    return this.productName.trim().length < 1 || this.productName.length > 200;
  }
}

export class UnitPriceMustBeWholeMinorUnits implements BusinessRule {
  readonly name = 'UnitPriceMustBeWholeMinorUnits';
  readonly message = `unitPrice must be an integer number of minor units between 0 and ${MAX_UNIT_PRICE}`;
  constructor(private readonly unitPrice: number) {}
  isBroken() {
    return !Number.isInteger(this.unitPrice) || this.unitPrice < 0 || this.unitPrice > MAX_UNIT_PRICE;
  }
}

export class StockMustBeWithinRange implements BusinessRule {
  readonly name = 'StockMustBeWithinRange';
  readonly message = `stock must be an integer between 0 and ${MAX_QUANTITY}`;
  constructor(private readonly stock: number) {}
  isBroken() {
    return !Number.isInteger(this.stock) || this.stock < 0 || this.stock > MAX_QUANTITY;
  }
}

export class QuantityMustBePositive implements BusinessRule {
  readonly name = 'QuantityMustBePositive';
  readonly message: string;
  constructor(private readonly quantity: number) {
    this.message = `quantity must be a positive integer up to ${MAX_QUANTITY}, got ${quantity}`;
  }
  isBroken() {
    return !Number.isInteger(this.quantity) || this.quantity < 1 || this.quantity > MAX_QUANTITY;
  }
}

export class RestockCannotExceedMaximumStock implements BusinessRule {
  readonly name = 'RestockCannotExceedMaximumStock';
  readonly kind = 'conflict' as const;
  readonly message: string;
  constructor(private readonly stock: number, private readonly quantity: number) {
    this.message = `restocking ${quantity} would raise stock from ${stock} above the maximum of ${MAX_QUANTITY}`;
  }
  isBroken() {
    return this.stock + this.quantity > MAX_QUANTITY;
  }
}

export class CannotReserveMoreThanAvailable implements BusinessRule {
  readonly name = 'CannotReserveMoreThanAvailable';
  readonly kind = 'conflict' as const;
  readonly message: string;
  constructor(private readonly available: number, private readonly requested: number) {
    this.message = `cannot reserve ${requested}: only ${available} in stock`;
  }
  isBroken() {
    return this.requested > this.available;
  }
}

export class WithdrawnProductsCannotBeReserved implements BusinessRule {
  readonly name = 'WithdrawnProductsCannotBeReserved';
  readonly kind = 'unprocessable' as const;
  readonly message: string;
  constructor(private readonly productId: string, private readonly withdrawn: boolean) {
    this.message = `product ${productId} is withdrawn and can no longer be ordered`;
  }
  isBroken() {
    return this.withdrawn;
  }
}
