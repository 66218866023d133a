import { PeriodicJob } from '../../src/scheduling/periodic-job.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Waits for the condition, with a ceiling generous enough for a loaded machine. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!condition() && Date.now() < deadline) await tick(5);
  if (!condition()) throw new Error('condition never held');
}

describe('PeriodicJob', () => {
  it('runs repeatedly, never two runs at once; stop waits for the run in flight and ends the schedule', async () => {
    let active = 0;
    let mostAtOnce = 0;
    let runs = 0;
    const job = new PeriodicJob('test job', 1, async () => {
      active++;
      mostAtOnce = Math.max(mostAtOnce, active);
      runs++;
      await tick(3);
      active--;
    }, () => undefined);
    job.start();
    await until(() => runs >= 3);
    await job.stop();
    expect(active).toBe(0);
    expect(mostAtOnce).toBe(1);
    const stoppedAt = runs;
    await tick(20);
    expect(runs).toBe(stoppedAt);
  });

  it('reports a failing run and keeps its schedule', async () => {
    const reported: string[] = [];
    let runs = 0;
    const job = new PeriodicJob('flaky job', 1, async () => {
      runs++;
      if (runs === 1) throw new Error('database went away');
    }, (message) => reported.push(message));
    job.start();
    await until(() => runs >= 2);
    await job.stop();
    expect(reported[0]).toBe('flaky job failed: database went away');
  });
});
