import { checkRule } from '@orderly/kernel/domain';
import { QuantityMustBeBetween1And1000, UnitPriceCannotBeNegative } from './order-rules.js';

/** A value object: one product, how many, at what price. Equal when its values are equal. */
export class OrderLine {
  readonly lineTotal: number;

  constructor(
    readonly productId: string,
    readonly quantity: number,
    readonly unitPrice: number,
  ) {
    checkRule(new QuantityMustBeBetween1And1000(quantity));
    checkRule(new UnitPriceCannotBeNegative(unitPrice));
    this.lineTotal = quantity * unitPrice;
  }

  equals(other: OrderLine): boolean {
    return this.productId === other.productId && this.quantity === other.quantity && this.unitPrice === other.unitPrice;
  }
}
