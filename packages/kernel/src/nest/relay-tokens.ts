import { portToken } from '../ports/port-token.js';
import type { RelayObserver, RelayOptions } from '../messaging/outbox-relay.js';
import type { RetentionOptions } from '../messaging/retention.js';

// Provided once by MessagingModule, read by every module's ModuleDatabase (its own file, so
// neither of the two imports the other).
export const RELAY_OPTIONS = portToken<RelayOptions>('kernel.RelayOptions');
export const RELAY_OBSERVER = portToken<RelayObserver>('kernel.RelayObserver');
export const RETENTION_OPTIONS = portToken<RetentionOptions>('kernel.RetentionOptions');
