import type { NamedMigration } from '../../../../shared/db';
import * as products from './001_products';

/**
 * Every migration of the inventory database, in order. Add new migrations to
 * the end of this list; knex records applied names in `knex_migrations`.
 */
export const migrations: readonly NamedMigration[] = [{ name: '001_products', up: products.up, down: products.down }];
