import { checkRule } from '@orderly/kernel/domain';
import {
  CannotReserveMoreThanAvailable,
  NameMustBeOneTo200Characters,
  QuantityMustBePositive,
  RestockCannotExceedMaximumStock,
  SkuMustBeWellFormed,
  StockMustBeWithinRange,
  UnitPriceMustBeWholeMinorUnits,
} from './product-rules.js';

export interface ProductState {
  readonly id: string;
  readonly sku: string;
  readonly name: string;
  readonly unitPrice: number;
  readonly stock: number;
  /** Incremented on every change; repositories write only if it still matches (optimistic check). */
  readonly version: number;
  readonly createdAt: Date;
}

/**
 * The Product aggregate: the consistency boundary for its stock. Stock only moves through
 * restock, reserve and release, each guarded by a named rule, so it can never go negative.
 */
export class Product {
  private constructor(private state: ProductState) {}

  static create(input: { id: string; sku: string; name: string; unitPrice: number; stock: number; now: Date }): Product {
    checkRule(new SkuMustBeWellFormed(input.sku));
    checkRule(new NameMustBeOneTo200Characters(input.name));
    checkRule(new UnitPriceMustBeWholeMinorUnits(input.unitPrice));
    checkRule(new StockMustBeWithinRange(input.stock));
    const { id, sku, name, unitPrice, stock, now } = input;
    return new Product({ id, sku, name, unitPrice, stock, version: 1, createdAt: now });
  }

  /** Rebuilds a product from storage; no rules run, the stored state was valid when saved. */
  static restore(state: ProductState): Product {
    return new Product(state);
  }

  get id() {
    return this.state.id;
  }
  get stock() {
    return this.state.stock;
  }
  get unitPrice() {
    return this.state.unitPrice;
  }
  get version() {
    return this.state.version;
  }

  snapshot(): ProductState {
    return this.state;
  }

  restock(quantity: number): void {
    checkRule(new QuantityMustBePositive(quantity));
    checkRule(new RestockCannotExceedMaximumStock(this.state.stock, quantity));
    this.change(this.state.stock + quantity);
  }

  canReserve(quantity: number): boolean {
    return quantity <= this.state.stock;
  }

  reserve(quantity: number): void {
    checkRule(new QuantityMustBePositive(quantity));
    checkRule(new CannotReserveMoreThanAvailable(this.state.stock, quantity));
    this.change(this.state.stock - quantity);
  }

  /** Gives back stock of a reservation that will not become a sale. */
  release(quantity: number): void {
    checkRule(new QuantityMustBePositive(quantity));
    this.change(this.state.stock + quantity);
  }

  private change(stock: number): void {
    this.state = { ...this.state, stock, version: this.state.version + 1 };
  }
}
