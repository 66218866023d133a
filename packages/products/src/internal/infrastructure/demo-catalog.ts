import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { CreateProduct } from '../application/create-product.js';
import { ProductEntity } from './product.entity-schema.js';

// Fixed ids, so the API description's example order (POST /orders) names a product that exists.
const DEMO_PRODUCTS = [
  { id: '5f1c6a4e-2b7d-4c1e-9a3f-0d8e7b6c5a01', sku: 'MUG-BLUE', name: 'Blue enamel mug', unitPrice: 1299, stock: 100 },
  { id: '5f1c6a4e-2b7d-4c1e-9a3f-0d8e7b6c5a02', sku: 'TEE-ORDERLY-M', name: 'Orderly T-shirt, size M', unitPrice: 2500, stock: 40 },
  { id: '5f1c6a4e-2b7d-4c1e-9a3f-0d8e7b6c5a03', sku: 'NOTEBOOK-A5', name: 'A5 dotted notebook', unitPrice: 899, stock: 250 },
  { id: '5f1c6a4e-2b7d-4c1e-9a3f-0d8e7b6c5a04', sku: 'STICKER-PACK', name: 'Sticker pack (10)', unitPrice: 499, stock: 1000 },
  { id: '5f1c6a4e-2b7d-4c1e-9a3f-0d8e7b6c5a05', sku: 'LAMP-DESK', name: 'Desk lamp', unitPrice: 4599, stock: 5 },
];

/** Seeds a small demo catalog on first start (when products is empty), for `npm start`. */
export class DemoCatalog implements OnApplicationBootstrap {
  private readonly logger = new Logger('DemoCatalog');

  constructor(
    private readonly dataSource: DataSource,
    private readonly createProduct: CreateProduct,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if ((await this.dataSource.getRepository(ProductEntity).count()) > 0) return;
    for (const product of DEMO_PRODUCTS) await this.createProduct.execute(product);
    this.logger.log(`seeded ${DEMO_PRODUCTS.length} demo products`);
  }
}
