import type { EventEnvelope, ModuleDatabase, OutboxBacklog, RelayObserver } from '@orderly/kernel';
import type { OrdersMetrics } from '@orderly/orders';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Every Prometheus series the service exposes at /metrics, in one registry per app instance.
 * Modules know nothing of it: HTTP series are fed by the HTTP layer, business facts by the module
 * that knows them through a port it owns (orders' ORDERS_METRICS, bound to `orders` below), event
 * delivery latency by the kernel's relay observer hook, outbox gauges are read from each module's
 * outbox at scrape time.
 */
export class OrderlyMetrics {
  readonly registry = new Registry();
  private databases: () => readonly ModuleDatabase[] = () => [];

  readonly httpRequestDuration = new Histogram({
    name: 'orderly_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly ordersPlaced = new Counter({
    name: 'orderly_orders_placed_total',
    help: 'Orders placed (committed; an Idempotency-Key replay places none)',
    registers: [this.registry],
  });

  readonly stockRefusals = new Counter({
    name: 'orderly_stock_refusals_total',
    help: 'Orders refused for insufficient stock',
    registers: [this.registry],
  });

  readonly eventDeliveryLatency = new Histogram({
    name: 'orderly_event_delivery_latency_seconds',
    help: 'From an event occurring (outbox write) to its delivery to every subscriber, by publishing module and event type',
    labelNames: ['module', 'type'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'orderly_' });
    const backlogs = () => this.backlogsForThisScrape();
    new Gauge({
      name: 'orderly_outbox_pending_events',
      help: 'Events in a module outbox waiting for delivery',
      labelNames: ['module'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const { module, backlog } of await backlogs()) this.set({ module }, backlog.pending);
      },
    });
    new Gauge({
      name: 'orderly_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest event waiting in a module outbox (0 when none waits)',
      labelNames: ['module'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const { module, backlog } of await backlogs()) this.set({ module }, backlog.oldestPendingAgeMs / 1000);
      },
    });
  }

  private scrapeBacklogs: Promise<{ module: string; backlog: OutboxBacklog }[]> | null = null;

  /** One query per module serves both outbox gauges of a scrape (render() starts each scrape afresh). */
  private backlogsForThisScrape(): Promise<{ module: string; backlog: OutboxBacklog }[]> {
    if (this.scrapeBacklogs) return this.scrapeBacklogs;
    this.scrapeBacklogs = Promise.all(
      this.databases().map(async (db) => ({ module: db.definition.schema, backlog: await db.relay.backlog().catch(() => null) })),
    ).then((all) => all.filter((b): b is { module: string; backlog: OutboxBacklog } => b.backlog !== null));
    return this.scrapeBacklogs;
  }

  /** Where the outbox gauges find every module's outbox (the kernel's ModuleDatabases). */
  watchModuleDatabases(databases: () => readonly ModuleDatabase[]): void {
    this.databases = databases;
  }

  /** Orders' ORDERS_METRICS port: orders counts the facts it decides. */
  readonly orders: OrdersMetrics = {
    orderPlaced: () => this.ordersPlaced.inc(),
    stockRefused: () => this.stockRefusals.inc(),
  };

  /** The kernel relay hook: delivery latency per event. */
  readonly relayObserver: RelayObserver = {
    delivered: (event: EventEnvelope, { outbox, deliveredAt }) => {
      const seconds = Math.max(0, deliveredAt.getTime() - Date.parse(event.occurredAt)) / 1000;
      this.eventDeliveryLatency.observe({ module: outbox, type: event.type }, seconds);
    },
  };

  async render(): Promise<{ contentType: string; body: string }> {
    this.scrapeBacklogs = null;
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
