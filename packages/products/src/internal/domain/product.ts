import { checkRule } from '@orderly/kernel/domain';
import {
  CannotReserveMoreThanAvailable,
  NameMustBeOneTo200Characters,
  QuantityMustBePositive,
  RestockCannotExceedMaximumStock,
  SkuMustBeWellFormed,
  StockMustBeWithinRange,
  UnitPriceMustBeWholeMinorUnits,
  WithdrawnProductsCannotBeReserved,
} from './product-rules.js';

export interface ProductState {
  readonly id: string;
  readonly sku: string;
  readonly name: string;
  readonly unitPrice: number;
  readonly stock: number;
  /**
   * Incremented on every change; repositories write only if it still matches (optimistic check),
   * and HTTP shows it as the product's ETag.
   */
  readonly version: number;
  readonly createdAt: Date;
  /** Set once the product is withdrawn: no new order may reserve it. */
  readonly withdrawnAt: Date | null;
}

/**
 * The Product aggregate: the consistency boundary for its stock and its catalog entry. Stock only
 * moves through restock, reserve and release, each guarded by a named rule, so it can never go
 * negative; name and price change through edit; withdraw stops new orders for it.
 */
export class Product {
  private constructor(private state: ProductState) {}

  static create(input: { id: string; sku: string; name: string; unitPrice: number; stock: number; now: Date }): Product {
    checkRule(new SkuMustBeWellFormed(input.sku));
    checkRule(new NameMustBeOneTo200Characters(input.name));
    checkRule(new UnitPriceMustBeWholeMinorUnits(input.unitPrice));
    checkRule(new StockMustBeWithinRange(input.stock));
    const { id, sku, name, unitPrice, stock, now } = input;
    return new Product({ id, sku, name, unitPrice, stock, version: 1, createdAt: now, withdrawnAt: null });
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
  get isWithdrawn() {
    return this.state.withdrawnAt !== null;
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
    checkRule(new WithdrawnProductsCannotBeReserved(this.state.id, this.isWithdrawn));
    checkRule(new CannotReserveMoreThanAvailable(this.state.stock, quantity));
    this.change(this.state.stock - quantity);
  }

  /** Gives back stock of a reservation that will not become a sale. */
  release(quantity: number): void {
    checkRule(new QuantityMustBePositive(quantity));
    this.change(this.state.stock + quantity);
  }

  /** Changes the name and/or the unit price; reservations already made keep the price they had. */
  edit(changes: { readonly name?: string; readonly unitPrice?: number }): void {
    if (changes.name !== undefined) checkRule(new NameMustBeOneTo200Characters(changes.name));
    if (changes.unitPrice !== undefined) checkRule(new UnitPriceMustBeWholeMinorUnits(changes.unitPrice));
    this.state = {
      ...this.state,
      name: changes.name ?? this.state.name,
      unitPrice: changes.unitPrice ?? this.state.unitPrice,
      version: this.state.version + 1,
    };
  }

  /** Stops new orders for the product; returns false (and changes nothing) when already withdrawn. */
  withdraw(now: Date): boolean {
    if (this.isWithdrawn) return false;
    this.state = { ...this.state, withdrawnAt: now, version: this.state.version + 1 };
    return true;
  }

  private change(stock: number): void {
    this.state = { ...this.state, stock, version: this.state.version + 1 };
  }
}
