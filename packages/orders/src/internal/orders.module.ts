import { Module, type DynamicModule, type ModuleMetadata, type Provider } from '@nestjs/common';
import { moduleDatabaseProviders, UnitOfWork, type ModuleConnection } from '@orderly/kernel';
import { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { ABANDON_EXPIRED_ORDER, PROJECT_ORDER_CANCELLATION, PROJECT_ORDER_SHIPMENT, PROJECT_ORDER_SUMMARY } from '../contracts/handlers.js';
import { INVENTORY_PORT, ORDERS_METRICS, type InventoryPort, type OrdersMetrics } from '../contracts/ports.js';
import { CancelOrder } from './application/cancel-order.js';
import { OrderHistory } from './application/order-history.js';
import { ProjectOrderCancellation, ProjectOrderShipment } from './application/project-order-status.js';
import { ShipOrder } from './application/ship-order.js';
import { OrderQueries } from './application/order-queries.js';
import { AbandonExpiredOrder } from './application/abandon-expired-order.js';
import { ProjectOrderSummary } from './application/project-order-summary.js';
import { NO_ORDERS_METRICS, PlaceOrder } from './application/place-order.js';
import { PlaceOrderIdempotently } from './application/place-order-idempotently.js';
import type { OrdersClock, OrdersUnitOfWork } from './application/ports.js';
import { IdempotencyKeyPurgeJob } from './infrastructure/idempotency-key-purge-job.js';
import { ordersDatabase } from './infrastructure/orders-database.js';
import { TypeOrmOrderHistoryProjection, TypeOrmOrderHistoryReader } from './infrastructure/typeorm-order-history.js';
import { TypeOrmOrderReader, TypeOrmOrdersUnitOfWork } from './infrastructure/typeorm-orders-unit-of-work.js';
import { OrdersController } from './http/orders.controller.js';

export interface OrdersModuleOptions {
  readonly connection: ModuleConnection;
  /** Modules whose exported providers the port bindings below refer to. */
  readonly imports: NonNullable<ModuleMetadata['imports']>;
  /** Bindings for the ports orders declares (INVENTORY_PORT; ORDERS_METRICS optional), made with bindPort in apps/api. */
  readonly ports: readonly Provider[];
  /** How long Idempotency-Key answers are kept. Default 24 hours. */
  readonly idempotencyKeyTtlMs?: number;
}

const DAY_MS = 24 * 60 * 60_000;

const ORDERS_UOW = Symbol('orders.UnitOfWork');
const CLOCK = Symbol('orders.Clock');
const systemClock: OrdersClock = { now: () => new Date() };

/** Orders: placing, reading, cancelling and shipping orders. Needs an InventoryPort bound by the composition root. */
@Module({})
export class OrdersModule {
  static forRoot(options: OrdersModuleOptions): DynamicModule {
    return {
      module: OrdersModule,
      imports: [...options.imports],
      controllers: [OrdersController],
      providers: [
        { provide: ORDERS_METRICS, useValue: NO_ORDERS_METRICS }, // unless options.ports binds it
        ...options.ports,
        ...moduleDatabaseProviders(ordersDatabase, options.connection),
        { provide: CLOCK, useValue: systemClock },
        { provide: ORDERS_UOW, useFactory: (uow: UnitOfWork) => new TypeOrmOrdersUnitOfWork(uow), inject: [UnitOfWork] },
        {
          provide: PlaceOrder,
          useFactory: (uow: OrdersUnitOfWork, inventory: InventoryPort, clock: OrdersClock, metrics: OrdersMetrics) =>
            new PlaceOrder(uow, inventory, clock, randomUUID, metrics),
          inject: [ORDERS_UOW, INVENTORY_PORT, CLOCK, ORDERS_METRICS],
        },
        {
          provide: PlaceOrderIdempotently,
          useFactory: (uow: OrdersUnitOfWork, placeOrder: PlaceOrder) =>
            new PlaceOrderIdempotently(uow, placeOrder, { ttlMs: options.idempotencyKeyTtlMs ?? DAY_MS }),
          inject: [ORDERS_UOW, PlaceOrder],
        },
        {
          provide: AbandonExpiredOrder,
          useFactory: (uow: OrdersUnitOfWork, clock: OrdersClock) => new AbandonExpiredOrder(uow, clock),
          inject: [ORDERS_UOW, CLOCK],
        },
        {
          provide: IdempotencyKeyPurgeJob,
          // Purge at most hourly; a short TTL (tests) purges as often as it expires.
          useFactory: (uow: OrdersUnitOfWork) => new IdempotencyKeyPurgeJob(uow, Math.min(options.idempotencyKeyTtlMs ?? DAY_MS, 60 * 60_000)),
          inject: [ORDERS_UOW],
        },
        {
          provide: OrderQueries,
          useFactory: (dataSource: DataSource) => new OrderQueries(new TypeOrmOrderReader(dataSource)),
          inject: [DataSource],
        },
        {
          provide: OrderHistory,
          useFactory: (dataSource: DataSource) => new OrderHistory(new TypeOrmOrderHistoryReader(dataSource)),
          inject: [DataSource],
        },
        {
          provide: CancelOrder,
          useFactory: (uow: OrdersUnitOfWork, clock: OrdersClock) => new CancelOrder(uow, clock),
          inject: [ORDERS_UOW, CLOCK],
        },
        {
          provide: ShipOrder,
          useFactory: (uow: OrdersUnitOfWork, clock: OrdersClock) => new ShipOrder(uow, clock),
          inject: [ORDERS_UOW, CLOCK],
        },
        {
          provide: ProjectOrderSummary,
          useFactory: (uow: UnitOfWork) => new ProjectOrderSummary(new TypeOrmOrderHistoryProjection(uow)),
          inject: [UnitOfWork],
        },
        {
          provide: ProjectOrderCancellation,
          useFactory: (uow: UnitOfWork) => new ProjectOrderCancellation(new TypeOrmOrderHistoryProjection(uow)),
          inject: [UnitOfWork],
        },
        {
          provide: ProjectOrderShipment,
          useFactory: (uow: UnitOfWork) => new ProjectOrderShipment(new TypeOrmOrderHistoryProjection(uow)),
          inject: [UnitOfWork],
        },
        // The handlers orders declares in its contracts (contracts/handlers.ts), under their tokens.
        { provide: PROJECT_ORDER_SUMMARY.token, useExisting: ProjectOrderSummary },
        { provide: PROJECT_ORDER_CANCELLATION.token, useExisting: ProjectOrderCancellation },
        { provide: PROJECT_ORDER_SHIPMENT.token, useExisting: ProjectOrderShipment },
        { provide: ABANDON_EXPIRED_ORDER.token, useExisting: AbandonExpiredOrder },
      ],
    };
  }
}
