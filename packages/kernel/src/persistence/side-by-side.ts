/**
 * Waits for every one of `tasks` (pools opening, migrations running), then rejects with the first
 * failure, if any. Unlike Promise.all, nothing is still running when the caller hears of a failure,
 * so its clean-up (closing pools, releasing the provisioning lock) never races a task in flight.
 */
export async function sideBySide(tasks: readonly Promise<unknown>[]): Promise<void> {
  const outcomes = await Promise.allSettled(tasks);
  const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed) throw failed.reason;
}
