import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import type { ProductDto, ProductPageDto } from '../../contracts/dto.js';
import { CreateProduct } from '../application/create-product.js';
import { ProductCatalog } from '../application/product-catalog.js';
import { RestockProduct } from '../application/restock-product.js';
import { CreateProductRequest, ListProductsQuery, RestockRequest } from './product-requests.js';

@Controller('products')
export class ProductsController {
  constructor(
    private readonly createProduct: CreateProduct,
    private readonly restockProduct: RestockProduct,
    private readonly catalog: ProductCatalog,
  ) {}

  @Post()
  create(@Body() body: CreateProductRequest): Promise<ProductDto> {
    return this.createProduct.execute(body);
  }

  @Get()
  list(@Query() query: ListProductsQuery): Promise<ProductPageDto> {
    return this.catalog.list(query.limit, query.cursor);
  }

  @Get(':id')
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<ProductDto> {
    return this.catalog.get(id);
  }

  @Post(':id/restock')
  @HttpCode(200)
  restock(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: RestockRequest): Promise<ProductDto> {
    return this.restockProduct.execute(id, body.quantity);
  }
}
