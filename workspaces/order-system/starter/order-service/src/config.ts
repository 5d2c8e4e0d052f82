import { loadBaseConfig, parseBaseUrl, parseInteger, type BaseConfig } from '../../shared/config';

/** Runtime configuration of the order service, read once at start-up. */
export interface OrdersConfig extends BaseConfig {
  /** SQLite file path, relative to the working directory. */
  databasePath: string;
  /** Base URL of the inventory service, e.g. http://127.0.0.1:8002. */
  inventoryUrl: string;
  /** How long one call to the inventory service may take. */
  inventoryTimeoutMs: number;
}

export const DEFAULT_CONFIG: OrdersConfig = {
  port: 8001,
  host: '127.0.0.1',
  logLevel: 'info',
  databasePath: 'data/orders.db',
  inventoryUrl: 'http://127.0.0.1:8002',
  inventoryTimeoutMs: 5000,
};

/** Reads PORT, HOST, LOG_LEVEL, DATABASE_PATH, INVENTORY_URL and INVENTORY_TIMEOUT_MS. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): OrdersConfig {
  return {
    ...DEFAULT_CONFIG,
    ...loadBaseConfig(env, DEFAULT_CONFIG),
    databasePath: env.DATABASE_PATH?.trim() || DEFAULT_CONFIG.databasePath,
    inventoryUrl: parseBaseUrl(env.INVENTORY_URL, 'INVENTORY_URL', DEFAULT_CONFIG.inventoryUrl),
    inventoryTimeoutMs: parseInteger(env.INVENTORY_TIMEOUT_MS, 'INVENTORY_TIMEOUT_MS', DEFAULT_CONFIG.inventoryTimeoutMs, 1, 600_000),
  };
}
