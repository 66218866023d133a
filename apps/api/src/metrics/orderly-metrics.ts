import type { EventEnvelope, ModuleDatabase, RelayObserver } from '@orderly/kernel';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Every Prometheus series the service exposes at /metrics, in one registry per app instance.
 * Modules know nothing of it: HTTP series are fed by the HTTP layer, event delivery latency by
 * the kernel's relay observer hook, outbox gauges are read from each module's outbox at scrape
 * time.
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
    help: 'Orders placed (POST /orders answered 201)',
    registers: [this.registry],
  });

  readonly stockRefusals = new Counter({
    name: 'orderly_stock_refusals_total',
    help: 'Orders refused for insufficient stock (409 insufficient-stock)',
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
    const oldestPendingAge = new Gauge({
      name: 'orderly_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest event waiting in a module outbox (0 when none waits)',
      labelNames: ['module'] as const,
    });
    const databases = () => this.databases();
    // Registered first, so its collect() (one query per module) also fills the age gauge
    // before the registry reads it.
    new Gauge({
      name: 'orderly_outbox_pending_events',
      help: 'Events in a module outbox waiting for delivery',
      labelNames: ['module'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        oldestPendingAge.reset();
        for (const db of databases()) {
          const backlog = await db.relay.backlog().catch(() => null);
          if (!backlog) continue;
          this.set({ module: db.definition.schema }, backlog.pending);
          oldestPendingAge.set({ module: db.definition.schema }, backlog.oldestPendingAgeMs / 1000);
        }
      },
    });
    this.registry.registerMetric(oldestPendingAge);
  }

  /** Where the outbox gauges find every module's outbox (the kernel's ModuleDatabases). */
  watchModuleDatabases(databases: () => readonly ModuleDatabase[]): void {
    this.databases = databases;
  }

  /** The kernel relay hook: delivery latency per event. */
  readonly relayObserver: RelayObserver = {
    delivered: (event: EventEnvelope, { outbox, deliveredAt }) => {
      const seconds = Math.max(0, deliveredAt.getTime() - Date.parse(event.occurredAt)) / 1000;
      this.eventDeliveryLatency.observe({ module: outbox, type: event.type }, seconds);
    },
  };

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
