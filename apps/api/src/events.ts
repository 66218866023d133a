import { runEventsProgram } from '@orderly/host';
import { moduleDatabases } from './database/module-databases.js';

/**
 * `npm run events -- <list|stats|replay|discard> ...`: operators' view of every module's outbox,
 * each read as its own module role, in DATABASE_URL (with DATABASE_ROLE_SECRET) or the embedded
 * PostgreSQL of DATA_DIR (@orderly/host's runEventsProgram).
 */
runEventsProgram(moduleDatabases);
