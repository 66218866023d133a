/**
 * Base for aggregates that record what happened to them. The application layer pulls the
 * recorded domain events after saving and turns them into integration events in the outbox,
 * inside the same transaction (so the model itself never touches a database or a bus).
 */
export abstract class AggregateRoot<TEvent> {
  private recorded: TEvent[] = [];

  protected record(event: TEvent): void {
    this.recorded.push(event);
  }

  pullDomainEvents(): TEvent[] {
    const events = this.recorded;
    this.recorded = [];
    return events;
  }
}
