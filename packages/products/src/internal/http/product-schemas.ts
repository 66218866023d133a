import { namedSchema } from '@orderly/kernel';

/** Response bodies of the products endpoints, for the OpenAPI document (ProductDto, ProductPageDto). */

export const ProductSchema = namedSchema('Product', {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'sku', 'name', 'unitPrice', 'stock', 'createdAt', 'withdrawn', 'withdrawnAt'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    sku: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    unitPrice: { type: 'integer', minimum: 0, description: 'Price in integer minor units (cents).' },
    stock: { type: 'integer', minimum: 0, description: 'Units available to order now (reserved units are not counted).' },
    createdAt: { type: 'string', format: 'date-time' },
    withdrawn: { type: 'boolean', description: 'A withdrawn product can no longer be ordered; placed orders keep it.' },
    withdrawnAt: { type: ['string', 'null'], format: 'date-time' },
  },
});

export const ETagHeader = {
  name: 'ETag',
  required: true,
  description: 'This version of the product (a strong entity tag, e.g. "3"); send it in If-Match to edit the product.',
  schema: { type: 'string' },
} as const;

export const IfMatchHeader = {
  name: 'If-Match',
  required: true,
  description:
    'The ETag from GET /products/{id}: the change is made only if the product is still that version, else 412 ' +
    '(GET it again and reapply). Missing or `*`: 428. Weak tags (W/"3") never match.',
  schema: { type: 'string', minLength: 1 },
} as const;

export const ProductPageSchema = namedSchema('ProductPage', {
  type: 'object',
  additionalProperties: false,
  required: ['items', 'nextCursor'],
  properties: {
    items: { type: 'array', items: ProductSchema },
    nextCursor: {
      type: ['string', 'null'],
      description: 'Pass as `cursor` to get the next page; null on the last page.',
    },
  },
});
