/**
 * Runs an async job every `intervalMs` (with jitter, so several app instances do not fire in
 * lock-step) until stopped. Runs never overlap; stop() waits for the run in flight. A failing run
 * is reported and the next one happens on schedule: background jobs here are safe to repeat.
 */
export class PeriodicJob {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = true;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly job: () => Promise<unknown>,
    private readonly onError: (message: string) => void,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Runs the job now (tests and operators), after any run in flight. */
  async runOnce(): Promise<void> {
    await this.running;
    const run = this.job();
    this.running = run.catch(() => undefined);
    await run;
  }

  private schedule(): void {
    if (this.stopped) return;
    const delay = this.intervalMs * (0.75 + Math.random() * 0.5);
    this.timer = setTimeout(() => {
      this.running = this.job()
        .catch((error: unknown) => this.onError(`${this.name} failed: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => this.schedule());
    }, delay);
    this.timer.unref();
  }
}
