/** The token scope products' write operations ask for (docs/adr/0011); reading the catalog is public. */
export const PRODUCT_SCOPES = {
  /** Catalog managers: create, restock, edit and withdraw products. */
  write: 'catalog:write',
} as const;
