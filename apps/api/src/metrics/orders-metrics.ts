import type { OrdersMetrics } from '@orderly/orders';
import { Counter, type Registry } from 'prom-client';

/**
 * Orders' ORDERS_METRICS port, bound in this process's registry (the one its management listener
 * serves): orders counts the facts it decides, and knows nothing of Prometheus.
 */
export function ordersMetrics(registry: Registry): OrdersMetrics {
  const ordersPlaced = new Counter({
    name: 'orderly_orders_placed_total',
    help: 'Orders placed (committed; an Idempotency-Key replay places none)',
    registers: [registry],
  });
  const stockRefusals = new Counter({
    name: 'orderly_stock_refusals_total',
    help: 'Orders refused for insufficient stock',
    registers: [registry],
  });
  return { orderPlaced: () => ordersPlaced.inc(), stockRefused: () => stockRefusals.inc() };
}
