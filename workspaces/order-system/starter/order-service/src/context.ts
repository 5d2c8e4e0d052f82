import type { Knex } from 'knex';
import type { Logger } from '../../shared/logger';
import type { OrdersConfig } from './config';
import type { InventoryClient } from './inventory-client';

/** What `createApp` needs: the database, a logger and the configuration. */
export interface AppOptions {
  db: Knex;
  logger: Logger;
  config: OrdersConfig;
}

/** Everything a router needs: the above plus the client of the inventory service. */
export interface AppContext extends AppOptions {
  inventory: InventoryClient;
}
