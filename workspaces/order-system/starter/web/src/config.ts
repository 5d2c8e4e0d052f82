import { loadBaseConfig, parseBaseUrl, parseInteger, type BaseConfig } from '../../shared/config';

/** Runtime configuration of the web frontend, read once at start-up. */
export interface WebConfig extends BaseConfig {
  /** Base URL of the inventory service (serves /api/products). */
  inventoryUrl: string;
  /** Base URL of the order service (serves /api/orders). */
  ordersUrl: string;
  /** How long a proxied API call may take. */
  upstreamTimeoutMs: number;
}

export const DEFAULT_CONFIG: WebConfig = {
  port: 3000,
  host: '127.0.0.1',
  logLevel: 'info',
  inventoryUrl: 'http://127.0.0.1:8002',
  ordersUrl: 'http://127.0.0.1:8001',
  upstreamTimeoutMs: 30_000,
};

/** Reads PORT, HOST, LOG_LEVEL, INVENTORY_URL, ORDERS_URL and UPSTREAM_TIMEOUT_MS. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): WebConfig {
  return {
    ...loadBaseConfig(env, DEFAULT_CONFIG),
    inventoryUrl: parseBaseUrl(env.INVENTORY_URL, 'INVENTORY_URL', DEFAULT_CONFIG.inventoryUrl),
    ordersUrl: parseBaseUrl(env.ORDERS_URL, 'ORDERS_URL', DEFAULT_CONFIG.ordersUrl),
    upstreamTimeoutMs: parseInteger(env.UPSTREAM_TIMEOUT_MS, 'UPSTREAM_TIMEOUT_MS', DEFAULT_CONFIG.upstreamTimeoutMs, 1, 600_000),
  };
}
