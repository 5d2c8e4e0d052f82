import { isLogLevel, type LogLevel } from './logger';

/** Runtime configuration, read once at start-up (see `loadConfig`). */
export interface AppConfig {
  port: number;
  host: string;
  /** SQLite file path, relative to the working directory. */
  databasePath: string;
  jwtSecret: string;
  logLevel: LogLevel;
  /** bcrypt cost factor used when hashing passwords. */
  bcryptCost: number;
  accessTokenExpireMinutes: number;
  /** Cash balance every newly registered user starts with. */
  initialBalance: number;
}

export const DEFAULT_CONFIG: AppConfig = {
  port: 8000,
  host: '127.0.0.1',
  databasePath: 'data/trading.db',
  jwtSecret: 'dev-secret-change-me-in-production',
  logLevel: 'info',
  bcryptCost: 10,
  accessTokenExpireMinutes: 30,
  initialBalance: 10000,
};

/**
 * Reads configuration from environment variables:
 * PORT, HOST, DATABASE_PATH, JWT_SECRET, LOG_LEVEL and BCRYPT_COST.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const logLevel = env.LOG_LEVEL?.trim().toLowerCase() || DEFAULT_CONFIG.logLevel;
  if (!isLogLevel(logLevel)) {
    throw new Error(`Invalid LOG_LEVEL "${env.LOG_LEVEL}" (expected debug, info, warn, error or silent)`);
  }
  return {
    ...DEFAULT_CONFIG,
    port: parseInteger(env.PORT, 'PORT', DEFAULT_CONFIG.port, 0, 65535),
    host: env.HOST?.trim() || DEFAULT_CONFIG.host,
    databasePath: env.DATABASE_PATH?.trim() || DEFAULT_CONFIG.databasePath,
    jwtSecret: env.JWT_SECRET || DEFAULT_CONFIG.jwtSecret,
    logLevel,
    bcryptCost: parseInteger(env.BCRYPT_COST, 'BCRYPT_COST', DEFAULT_CONFIG.bcryptCost, 4, 31),
  };
}

function parseInteger(raw: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`Invalid ${name} "${raw}" (expected an integer between ${min} and ${max})`);
  }
  return value;
}
