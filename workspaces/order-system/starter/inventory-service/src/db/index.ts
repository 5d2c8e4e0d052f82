import type { Knex } from 'knex';
import { migrateLatest as migrate } from '../../../shared/db';
import { migrations } from './migrations';

export { openDatabase } from '../../../shared/db';

/** Applies the inventory migrations that have not run yet; returns their names. */
export function migrateLatest(db: Knex): Promise<string[]> {
  return migrate(db, migrations);
}
