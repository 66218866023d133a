// apps/api is the composition root. Nothing imports it; tests use it through this entry.
export { startOrderly, type RunningOrderly, type StartOptions } from './orderly-app.js';
export { loadConfig, type OrderlyConfig, ConfigError, StartRefused } from '@orderly/host';
export { migrateDatabase } from './database/prepare-database.js';
