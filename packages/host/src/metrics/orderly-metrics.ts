import type { EventEnvelope, ModuleDatabase, OutboxStats, RelayObserver, SubscriberStats } from '@orderly/kernel';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Every Prometheus series the service exposes at /metrics, in one registry per app instance.
 * Modules know nothing of it: HTTP series are fed by the HTTP layer, business facts by the module
 * that knows them through a port it owns (orders' ORDERS_METRICS, bound in apps/api to series of this registry), event
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

  readonly eventDeliveryLatency = new Histogram({
    name: 'orderly_event_delivery_latency_seconds',
    help: 'From an event occurring (outbox write) to its delivery to a subscriber, by publishing module, subscriber and event type',
    labelNames: ['module', 'subscriber', 'type'] as const,
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
    new Gauge({
      name: 'orderly_outbox_dead_events',
      help: 'Events in a module outbox with a dead-lettered delivery, waiting for an operator',
      labelNames: ['module'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const { module, backlog } of await backlogs()) this.set({ module }, backlog.dead);
      },
    });
    const subscribers = () => this.subscriberStatsForThisScrape();
    const perSubscriber = (name: string, help: string, value: (s: SubscriberStats) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['module', 'subscriber'] as const,
        registers: [this.registry],
        async collect() {
          this.reset();
          for (const { module, stats } of await subscribers()) {
            for (const s of stats) this.set({ module, subscriber: s.subscriber }, value(s));
          }
        },
      });
    perSubscriber('orderly_event_deliveries_pending', 'Deliveries of a module outbox waiting for one subscriber (listed while any wait or are dead)', (s) => s.pending);
    perSubscriber('orderly_event_deliveries_dead', 'Dead-lettered deliveries of a module outbox to one subscriber, waiting for an operator', (s) => s.dead);
    perSubscriber(
      'orderly_event_delivery_oldest_pending_age_seconds',
      'Age of the oldest event waiting for one subscriber (0 when none waits)',
      (s) => s.oldestPendingAgeMs / 1000,
    );
  }

  private scrapeBacklogs: Promise<{ module: string; backlog: OutboxStats }[]> | null = null;
  private scrapeSubscribers: Promise<{ module: string; stats: SubscriberStats[] }[]> | null = null;

  /** One query per module serves the three per-subscriber gauges of a scrape. */
  private subscriberStatsForThisScrape(): Promise<{ module: string; stats: SubscriberStats[] }[]> {
    if (this.scrapeSubscribers) return this.scrapeSubscribers;
    this.scrapeSubscribers = Promise.all(
      this.databases().map(async (db) => ({ module: db.definition.schema, stats: await db.outbox.subscriberStats().catch(() => null) })),
    ).then((all) => all.filter((s): s is { module: string; stats: SubscriberStats[] } => s.stats !== null));
    return this.scrapeSubscribers;
  }

  /** One query per module serves the three outbox gauges of a scrape (render() starts each scrape afresh). */
  private backlogsForThisScrape(): Promise<{ module: string; backlog: OutboxStats }[]> {
    if (this.scrapeBacklogs) return this.scrapeBacklogs;
    this.scrapeBacklogs = Promise.all(
      this.databases().map(async (db) => ({ module: db.definition.schema, backlog: await db.outbox.stats().catch(() => null) })),
    ).then((all) => all.filter((b): b is { module: string; backlog: OutboxStats } => b.backlog !== null));
    return this.scrapeBacklogs;
  }

  /** Where the outbox gauges find every module's outbox (the kernel's ModuleDatabases). */
  watchModuleDatabases(databases: () => readonly ModuleDatabase[]): void {
    this.databases = databases;
  }

  /** The kernel relay hook: delivery latency per event. */
  readonly relayObserver: RelayObserver = {
    delivered: (event: EventEnvelope, { outbox, subscriber, deliveredAt }) => {
      const seconds = Math.max(0, deliveredAt.getTime() - Date.parse(event.occurredAt)) / 1000;
      this.eventDeliveryLatency.observe({ module: outbox, subscriber, type: event.type }, seconds);
    },
  };

  async render(): Promise<{ contentType: string; body: string }> {
    this.scrapeBacklogs = null;
    this.scrapeSubscribers = null;
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
