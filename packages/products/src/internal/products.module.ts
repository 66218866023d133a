import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { moduleDatabaseProviders, UnitOfWork, type ModuleConnection } from '@orderly/kernel';
import { DataSource } from 'typeorm';
import { CONFIRM_STOCK_RESERVATION, RELEASE_ABANDONED_RESERVATION, RETURN_CANCELLED_ORDER_STOCK } from '../contracts/handlers.js';
import { STOCK_RESERVATIONS } from '../contracts/ports.js';
import { ConfirmStockReservation } from './application/confirm-stock-reservation.js';
import { CreateProduct } from './application/create-product.js';
import { EditProduct } from './application/edit-product.js';
import { ProductCatalog } from './application/product-catalog.js';
import type { ProductsClock, ProductsUnitOfWork } from './application/ports.js';
import { ReleaseAbandonedReservation } from './application/release-abandoned-reservation.js';
import { ReservationSweeper } from './application/reservation-sweeper.js';
import { RestockProduct } from './application/restock-product.js';
import { ReturnCancelledOrderStock } from './application/return-cancelled-order-stock.js';
import { StockReservations } from './application/stock-reservations.js';
import { WithdrawProduct } from './application/withdraw-product.js';
import { DemoCatalog } from './infrastructure/demo-catalog.js';
import { productsDatabase } from './infrastructure/products-database.js';
import { ReservationSweeperJob } from './infrastructure/reservation-sweeper-job.js';
import { TypeOrmProductReader } from './infrastructure/typeorm-product-reader.js';
import { TypeOrmProductsUnitOfWork } from './infrastructure/typeorm-products-unit-of-work.js';
import { ProductsController } from './http/products.controller.js';

export interface ProductsModuleOptions {
  readonly connection: ModuleConnection;
  /** How long reserved stock waits for its order to commit. Default 5 minutes. */
  readonly reservationTtlMs?: number;
  /** How often the sweeper looks for expired reservations. Default 10 seconds. */
  readonly reservationSweepIntervalMs?: number;
  /** Seed a demo catalog when the products table is empty. */
  readonly demoCatalog?: boolean;
}

const PRODUCTS_UOW = Symbol('products.UnitOfWork');
const CLOCK = Symbol('products.Clock');
const systemClock: ProductsClock = { now: () => new Date() };

/** Products: catalog (with edits and withdrawal), stock, and stock reservations for orders. */
@Module({})
export class ProductsModule {
  static forRoot(options: ProductsModuleOptions): DynamicModule {
    const reservationTtlMs = options.reservationTtlMs ?? 5 * 60_000;
    const providers: Provider[] = [
      ...moduleDatabaseProviders(productsDatabase, options.connection),
      { provide: CLOCK, useValue: systemClock },
      { provide: PRODUCTS_UOW, useFactory: (uow: UnitOfWork) => new TypeOrmProductsUnitOfWork(uow), inject: [UnitOfWork] },
      {
        provide: CreateProduct,
        useFactory: (uow: ProductsUnitOfWork, clock: ProductsClock) => new CreateProduct(uow, clock),
        inject: [PRODUCTS_UOW, CLOCK],
      },
      { provide: RestockProduct, useFactory: (uow: ProductsUnitOfWork) => new RestockProduct(uow), inject: [PRODUCTS_UOW] },
      { provide: EditProduct, useFactory: (uow: ProductsUnitOfWork) => new EditProduct(uow), inject: [PRODUCTS_UOW] },
      {
        provide: WithdrawProduct,
        useFactory: (uow: ProductsUnitOfWork, clock: ProductsClock) => new WithdrawProduct(uow, clock),
        inject: [PRODUCTS_UOW, CLOCK],
      },
      {
        provide: ProductCatalog,
        useFactory: (dataSource: DataSource) => new ProductCatalog(new TypeOrmProductReader(dataSource)),
        inject: [DataSource],
      },
      {
        provide: StockReservations,
        useFactory: (uow: ProductsUnitOfWork, clock: ProductsClock) =>
          new StockReservations(uow, clock, { reservationTtlMs }),
        inject: [PRODUCTS_UOW, CLOCK],
      },
      {
        provide: ConfirmStockReservation,
        useFactory: (uow: ProductsUnitOfWork) => new ConfirmStockReservation(uow),
        inject: [PRODUCTS_UOW],
      },
      {
        provide: ReleaseAbandonedReservation,
        useFactory: (uow: ProductsUnitOfWork) => new ReleaseAbandonedReservation(uow),
        inject: [PRODUCTS_UOW],
      },
      {
        provide: ReturnCancelledOrderStock,
        useFactory: (uow: ProductsUnitOfWork) => new ReturnCancelledOrderStock(uow),
        inject: [PRODUCTS_UOW],
      },
      {
        provide: ReservationSweeper,
        useFactory: (uow: ProductsUnitOfWork, clock: ProductsClock) => new ReservationSweeper(uow, clock, { reservationTtlMs }),
        inject: [PRODUCTS_UOW, CLOCK],
      },
      {
        provide: ReservationSweeperJob,
        useFactory: (sweeper: ReservationSweeper) => new ReservationSweeperJob(sweeper, options.reservationSweepIntervalMs ?? 10_000),
        inject: [ReservationSweeper],
      },
      // What products offers other modules (contracts/ports.ts) and the handlers it declares
      // (contracts/handlers.ts), under their tokens.
      { provide: STOCK_RESERVATIONS, useExisting: StockReservations },
      { provide: CONFIRM_STOCK_RESERVATION.token, useExisting: ConfirmStockReservation },
      { provide: RELEASE_ABANDONED_RESERVATION.token, useExisting: ReleaseAbandonedReservation },
      { provide: RETURN_CANCELLED_ORDER_STOCK.token, useExisting: ReturnCancelledOrderStock },
    ];
    if (options.demoCatalog) {
      providers.push({
        provide: DemoCatalog,
        useFactory: (dataSource: DataSource, create: CreateProduct) => new DemoCatalog(dataSource, create),
        inject: [DataSource, CreateProduct],
      });
    }
    return {
      module: ProductsModule,
      controllers: [ProductsController],
      providers,
      exports: [STOCK_RESERVATIONS],
    };
  }
}
