/** The token scope products' write operations ask for (docs/adr/0011); reading the catalog is public. */
export const PRODUCT_SCOPES = {
  /** Catalog managers: create products and restock them. */
  write: 'catalog:write',
} as const;
