import type { NamedMigration } from '../../../../shared/db';
import * as orders from './001_orders';
import * as orderSnapshot from './002_order_snapshot';

/**
 * Every migration of the orders database, in order. Add new migrations to the
 * end of this list; knex records applied names in `knex_migrations`.
 */
export const migrations: readonly NamedMigration[] = [
  { name: '001_orders', up: orders.up, down: orders.down },
  { name: '002_order_snapshot', up: orderSnapshot.up, down: orderSnapshot.down },
];
