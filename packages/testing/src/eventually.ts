/**
 * Polls an async probe until it returns a value (not undefined) or the time runs out, for
 * asserting on eventually consistent effects (an event delivered, a read model updated) without
 * fixed sleeps. On timeout it throws the probe's last error, which says what was still missing.
 */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  { timeoutMs = 30_000, intervalMs = 25 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = new Error('probe never returned a value');
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      // The latest probe says what is still missing: an error from an earlier one no longer does.
      lastError = new Error('probe never returned a value');
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw lastError;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
