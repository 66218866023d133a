import type { ModuleDatabaseDefinition } from '@orderly/kernel';
import { notificationsDatabase } from '@orderly/notifications';
import { ordersDatabase } from '@orderly/orders';
import { productsDatabase } from '@orderly/products';

/**
 * Every module's schema, role and migrations: what provisioning sets up. Also exported as
 * @orderly/api/database, for the bench, which provisions the same database without the app.
 */
export const moduleDatabases: readonly ModuleDatabaseDefinition[] = [productsDatabase, ordersDatabase, notificationsDatabase];

/**
 * The modules apps/api runs and provisions: all of them, except with EVENTS_BROKER_URL set, when
 * notifications runs (and provisions itself) in apps/notifications-service.
 */
export function moduleDatabasesRunHere(config: { readonly eventsBrokerUrl: string | null }): readonly ModuleDatabaseDefinition[] {
  return config.eventsBrokerUrl ? moduleDatabases.filter((m) => m !== notificationsDatabase) : moduleDatabases;
}
