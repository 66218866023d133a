// @orderly/testing: the shared test harness - real PostgreSQL per test file, ports, async probes.
export { startTestPostgres, type TestPostgres } from './test-postgres.js';
export { freePort } from './free-port.js';
export { eventually } from './eventually.js';
