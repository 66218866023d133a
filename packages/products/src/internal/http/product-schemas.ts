import { namedSchema } from '@orderly/kernel';

/** Response bodies of the products endpoints, for the OpenAPI document (ProductDto, ProductPageDto). */

export const ProductSchema = namedSchema('Product', {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'sku', 'name', 'unitPrice', 'stock', 'createdAt'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    sku: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    unitPrice: { type: 'integer', minimum: 0, description: 'Price in integer minor units (cents).' },
    stock: { type: 'integer', minimum: 0, description: 'Units available to order now (reserved units are not counted).' },
    createdAt: { type: 'string', format: 'date-time' },
  },
});

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
