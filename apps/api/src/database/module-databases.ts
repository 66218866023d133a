import type { ModuleDatabaseDefinition } from '@orderly/kernel';
import { notificationsDatabase } from '@orderly/notifications';
import { ordersDatabase } from '@orderly/orders';
import { productsDatabase } from '@orderly/products';

/** Every module's schema, role and migrations: what provisioning sets up. */
export const moduleDatabases: readonly ModuleDatabaseDefinition[] = [productsDatabase, ordersDatabase, notificationsDatabase];
