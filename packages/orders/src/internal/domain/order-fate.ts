/**
 * What became of an order id, decided exactly once: `placed` when the order committed,
 * `abandoned` when orders gave up on it (placement failed, or its stock reservation expired
 * first). Stored under the order id as primary key, so the two outcomes exclude each other even
 * when a late commit races an expiry: whichever is written first wins, the other fails.
 */
export type OrderFate = 'placed' | 'abandoned';
