// apps/notifications-service: a composition root. Nothing imports it; tests use it through this entry.
export { startNotificationsService, type StartOptions } from './notifications-service.js';
export { NOTIFICATIONS_SUBSCRIPTIONS } from './notifications-service.module.js';
