import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProblem, ApiResponse, ParseUuid } from '@orderly/kernel';
import type { ProductDto, ProductPageDto } from '../../contracts/dto.js';
import { CreateProduct } from '../application/create-product.js';
import { ProductCatalog } from '../application/product-catalog.js';
import { RestockProduct } from '../application/restock-product.js';
import { CreateProductRequest, ListProductsQuery, RestockRequest } from './product-requests.js';
import { ProductPageSchema, ProductSchema } from './product-schemas.js';

interface HeaderSink {
  setHeader(name: string, value: string): unknown;
}

@Controller('products')
export class ProductsController {
  constructor(
    private readonly createProduct: CreateProduct,
    private readonly restockProduct: RestockProduct,
    private readonly catalog: ProductCatalog,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Add a product to the catalog', requestExample: { sku: 'LAMP-READING', name: 'Reading lamp', unitPrice: 3999, stock: 10 } })
  @ApiResponse(201, {
    description: 'The new product',
    schema: ProductSchema,
    headers: [{ name: 'Location', description: 'Where to read the product: /products/{id}', required: true, schema: { type: 'string' } }],
  })
  @ApiProblem(409, { type: 'sku-already-exists', description: 'A product with this sku already exists', title: 'SKU already exists', extensions: { sku: { type: 'string' } } })
  async create(@Body() body: CreateProductRequest, @Res({ passthrough: true }) response: HeaderSink): Promise<ProductDto> {
    const product = await this.createProduct.execute(body);
    response.setHeader('Location', `/products/${product.id}`);
    return product;
  }

  @Get()
  @ApiOperation({ summary: 'List products', description: 'Stable order (createdAt, id); follow `nextCursor` to page through.' })
  @ApiResponse(200, { description: 'One page of products', schema: ProductPageSchema })
  list(@Query() query: ListProductsQuery): Promise<ProductPageDto> {
    return this.catalog.list(query.limit, query.cursor);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one product' })
  @ApiResponse(200, { description: 'The product', schema: ProductSchema })
  @ApiProblem(404, { type: 'product-not-found', description: 'No product has this id', title: 'Product not found' })
  get(@Param('id', ParseUuid) id: string): Promise<ProductDto> {
    return this.catalog.get(id);
  }

  @Post(':id/restock')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add stock to a product', requestExample: { quantity: 5 } })
  @ApiResponse(200, { description: 'The product with its new stock', schema: ProductSchema })
  @ApiProblem(404, { type: 'product-not-found', description: 'No product has this id', title: 'Product not found' })
  @ApiProblem(409, {
    type: 'restock-cannot-exceed-maximum-stock',
    description: 'The new stock would exceed the maximum of 1000000000',
    title: 'Business rule violated',
    extensions: { rule: { const: 'RestockCannotExceedMaximumStock' } },
  })
  restock(@Param('id', ParseUuid) id: string, @Body() body: RestockRequest): Promise<ProductDto> {
    return this.restockProduct.execute(id, body.quantity);
  }
}
