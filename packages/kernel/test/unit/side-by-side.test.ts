import { sideBySide } from '../../src/persistence/side-by-side.js';

describe('sideBySide', () => {
  it('resolves once every task has resolved', async () => {
    const done: string[] = [];
    const task = (name: string, ms: number) => new Promise<void>((resolve) => setTimeout(() => { done.push(name); resolve(); }, ms));
    await sideBySide([task('slow', 30), task('fast', 1)]);
    expect(done).toEqual(['fast', 'slow']);
  });

  it('rejects with the first failure, and only after the tasks still running have settled', async () => {
    let slowSettled = false;
    const slow = new Promise<void>((resolve) => setTimeout(() => { slowSettled = true; resolve(); }, 30));
    const first = Promise.reject(new Error('first'));
    const second = new Promise<void>((_, reject) => setTimeout(() => reject(new Error('second')), 5));
    await expect(sideBySide([slow, first, second])).rejects.toThrow('first');
    expect(slowSettled).toBe(true);
  });
});
