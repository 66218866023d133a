import { runEventsProgram } from '@orderly/host';
import { notificationsDatabase } from '@orderly/notifications';
import { SERVICE_DEFAULTS } from './notifications-service.js';

/**
 * `npm run events:notifications -- <list|stats|replay|discard> ...`: the notifications module's
 * outbox in the notifications service's own database (its DATABASE_URL and DATABASE_ROLE_SECRET),
 * where the service parks the events its handlers gave up on (ADR 0014). Replayed ones are
 * delivered by the service's relay. Sharing the API's database, `npm run events` shows them too.
 */
runEventsProgram([notificationsDatabase], SERVICE_DEFAULTS);
