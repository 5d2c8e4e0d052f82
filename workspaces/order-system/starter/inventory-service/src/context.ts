import type { Knex } from 'knex';
import type { Logger } from '../../shared/logger';
import type { InventoryConfig } from './config';

/** Everything a router needs: the database, a logger and the configuration. */
export interface AppContext {
  db: Knex;
  logger: Logger;
  config: InventoryConfig;
}
