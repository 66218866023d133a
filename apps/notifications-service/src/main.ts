import { ConfigError, loadConfig, runUntilSignalled } from '@orderly/host';
import { startNotificationsService } from './notifications-service.js';

/** `npm run start:notifications`: the notifications module as its own service (PORT default 3001). */
const config = (() => {
  try {
    return loadConfig(process.env, { port: 3001 });
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  }
})();

runUntilSignalled(config, () => startNotificationsService(config), (service) => `notifications service listening on ${service.url}, consuming from ${config.eventsBrokerUrl}`).catch(
  (error: unknown) => {
    console.error('The notifications service failed to start:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
