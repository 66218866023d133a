/** What products promises to the outside world: plain data, no behaviour. */

export interface ProductDto {
  readonly id: string;
  readonly sku: string;
  readonly name: string;
  /** Price in integer minor units (cents). */
  readonly unitPrice: number;
  readonly stock: number;
  readonly createdAt: string;
  /** A withdrawn product stays in the catalog (placed orders keep it) but cannot be ordered. */
  readonly withdrawn: boolean;
  readonly withdrawnAt: string | null;
}

export interface ProductPageDto {
  readonly items: readonly ProductDto[];
  readonly nextCursor: string | null;
}

export interface StockRequestLine {
  readonly productId: string;
  readonly quantity: number;
}

export interface ReservedLine {
  readonly productId: string;
  readonly quantity: number;
  /** The product's price at the moment of reservation. */
  readonly unitPrice: number;
}

export interface ShortLine {
  readonly productId: string;
  readonly requested: number;
  readonly available: number;
}

/** The answer to "reserve these lines for this order": all of them, or none and why. */
export type StockReservationOutcome =
  | { readonly status: 'reserved'; readonly lines: readonly ReservedLine[] }
  | { readonly status: 'unknown-products'; readonly productIds: readonly string[] }
  | { readonly status: 'withdrawn-products'; readonly productIds: readonly string[] }
  | { readonly status: 'insufficient-stock'; readonly lines: readonly ShortLine[] };
