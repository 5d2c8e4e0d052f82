import type { Knex } from 'knex';
import type { AppConfig } from './config';
import type { Logger } from './logger';

/** Everything a router needs: the database, a logger and the configuration. */
export interface AppContext {
  db: Knex;
  logger: Logger;
  config: AppConfig;
}
