import { loadBaseConfig, type BaseConfig } from '../../shared/config';

/** Runtime configuration of the inventory service, read once at start-up. */
export interface InventoryConfig extends BaseConfig {
  /** SQLite file path, relative to the working directory. */
  databasePath: string;
}

export const DEFAULT_CONFIG: InventoryConfig = {
  port: 8002,
  host: '127.0.0.1',
  logLevel: 'info',
  databasePath: 'data/inventory.db',
};

/** Reads PORT, HOST, LOG_LEVEL and DATABASE_PATH. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): InventoryConfig {
  return {
    ...DEFAULT_CONFIG,
    ...loadBaseConfig(env, DEFAULT_CONFIG),
    databasePath: env.DATABASE_PATH?.trim() || DEFAULT_CONFIG.databasePath,
  };
}
