import type { Knex } from 'knex';
import * as coreSchema from './001_core_schema';
import * as priceAlerts from './002_price_alerts';

export interface NamedMigration extends Knex.Migration {
  name: string;
}

/**
 * Every migration, in order. Add new migrations to the end of this list;
 * knex records applied names in the `knex_migrations` table.
 */
export const migrations: readonly NamedMigration[] = [
  { name: '001_core_schema', up: coreSchema.up, down: coreSchema.down },
  { name: '002_price_alerts', up: priceAlerts.up, down: priceAlerts.down },
];

/** A knex migration source backed by the static list above (no filesystem scanning). */
export const migrationSource: Knex.MigrationSource<NamedMigration> = {
  getMigrations: async () => [...migrations],
  getMigrationName: (migration) => migration.name,
  getMigration: async (migration) => migration,
};
