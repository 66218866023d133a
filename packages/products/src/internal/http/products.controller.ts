import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiProblem, ApiResponse, InvalidInputError, ParseUuid, Public, RequireScope } from '@orderly/kernel';
import type { ProductDto, ProductPageDto } from '../../contracts/dto.js';
import { PRODUCT_SCOPES } from '../../contracts/scopes.js';
import { CreateProduct } from '../application/create-product.js';
import { EditProduct } from '../application/edit-product.js';
import { ProductCatalog } from '../application/product-catalog.js';
import type { VersionedProduct } from '../application/product-presenter.js';
import { RestockProduct } from '../application/restock-product.js';
import { WithdrawProduct } from '../application/withdraw-product.js';
import { IF_MATCH_HEADER, strongETagsFromIfMatch } from './if-match.js';
import { CreateProductRequest, EditProductRequest, ListProductsQuery, RestockRequest } from './product-requests.js';
import { ETagHeader, IfMatchHeader, ProductPageSchema, ProductSchema } from './product-schemas.js';

interface HeaderSink {
  setHeader(name: string, value: string): unknown;
}

/** Answers with the product and its ETag header, which a client sends back in If-Match to edit it. */
function withETag(response: HeaderSink, answer: VersionedProduct): ProductDto {
  response.setHeader('ETag', answer.etag);
  return answer.product;
}

@Controller('products')
export class ProductsController {
  constructor(
    private readonly createProduct: CreateProduct,
    private readonly restockProduct: RestockProduct,
    private readonly catalog: ProductCatalog,
    private readonly editProduct: EditProduct,
    private readonly withdrawProduct: WithdrawProduct,
  ) {}

  @Post()
  @RequireScope(PRODUCT_SCOPES.write)
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
  @Public()
  @ApiOperation({ summary: 'List products', description: 'Stable order (createdAt, id); follow `nextCursor` to page through.' })
  @ApiResponse(200, { description: 'One page of products', schema: ProductPageSchema })
  list(@Query() query: ListProductsQuery): Promise<ProductPageDto> {
    return this.catalog.list(query.limit, query.cursor);
  }

  @Get(':id')
  @Public()
  @ApiOperation({ summary: 'Get one product', description: 'The `ETag` header names this version of the product; send it in `If-Match` to edit it.' })
  @ApiResponse(200, { description: 'The product', schema: ProductSchema, headers: [ETagHeader] })
  @ApiProblem(404, { type: 'product-not-found', description: 'No product has this id', title: 'Product not found' })
  async get(@Param('id', ParseUuid) id: string, @Res({ passthrough: true }) response: HeaderSink): Promise<ProductDto> {
    return withETag(response, await this.catalog.getVersioned(id));
  }

  @Patch(':id')
  @RequireScope(PRODUCT_SCOPES.write)
  @ApiOperation({
    summary: 'Rename or reprice a product',
    description:
      'Changes `name` and/or `unitPrice` (send at least one), only if the product is still the version named by `If-Match`. ' +
      'Orders already placed keep the price they were placed at.',
    requestExample: { name: 'Blue enamel mug, 350 ml', unitPrice: 1399 },
  })
  @ApiHeader(IfMatchHeader)
  @ApiResponse(200, { description: 'The product as changed, with its new ETag', schema: ProductSchema, headers: [ETagHeader] })
  @ApiProblem(404, { type: 'product-not-found', description: 'No product has this id', title: 'Product not found' })
  @ApiProblem(412, {
    type: 'product-changed-since-read',
    description: 'The product was changed since the client read it: If-Match names an older version',
    title: 'Product changed',
    extensions: { currentETag: { type: 'string' } },
  })
  @ApiProblem(428, { type: 'if-match-required', description: 'If-Match is missing (or `*`)', title: 'If-Match required' })
  @ApiProblem(422, {
    type: 'name-must-be-one-to-200-characters',
    description: 'The new name breaks a rule of the catalog',
    title: 'Business rule violated',
    extensions: { rule: { const: 'NameMustBeOneTo200Characters' } },
  })
  @ApiProblem(422, {
    type: 'unit-price-must-be-whole-minor-units',
    description: 'The new price breaks a rule of the catalog',
    title: 'Business rule violated',
    extensions: { rule: { const: 'UnitPriceMustBeWholeMinorUnits' } },
  })
  async edit(
    @Param('id', ParseUuid) id: string,
    @Body() body: EditProductRequest,
    @Headers(IF_MATCH_HEADER) ifMatch: string | undefined,
    @Res({ passthrough: true }) response: HeaderSink,
  ): Promise<ProductDto> {
    const acceptedETags = strongETagsFromIfMatch(ifMatch);
    if (body.name === undefined && body.unitPrice === undefined) {
      throw new InvalidInputError('Send name and/or unitPrice to change.', { errors: [{ field: 'body', message: 'send name and/or unitPrice' }] });
    }
    return withETag(response, await this.editProduct.execute(id, acceptedETags, { name: body.name, unitPrice: body.unitPrice }));
  }

  @Post(':id/withdraw')
  @RequireScope(PRODUCT_SCOPES.write)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Withdraw a product',
    description:
      'New orders for it are refused with 422 naming it; orders already placed are not touched. Safe to repeat: a withdrawn product is answered as it is.',
  })
  @ApiResponse(200, { description: 'The withdrawn product, with its new ETag', schema: ProductSchema, headers: [ETagHeader] })
  @ApiProblem(404, { type: 'product-not-found', description: 'No product has this id', title: 'Product not found' })
  async withdraw(@Param('id', ParseUuid) id: string, @Res({ passthrough: true }) response: HeaderSink): Promise<ProductDto> {
    return withETag(response, await this.withdrawProduct.execute(id));
  }

  @Post(':id/restock')
  @RequireScope(PRODUCT_SCOPES.write)
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
