import { isLogLevel, type LogLevel } from './logger';

/** Settings every service reads: PORT, HOST and LOG_LEVEL. */
export interface BaseConfig {
  port: number;
  host: string;
  logLevel: LogLevel;
}

export function loadBaseConfig(env: NodeJS.ProcessEnv, defaults: BaseConfig): BaseConfig {
  const logLevel = env.LOG_LEVEL?.trim().toLowerCase() || defaults.logLevel;
  if (!isLogLevel(logLevel)) {
    throw new Error(`Invalid LOG_LEVEL "${env.LOG_LEVEL}" (expected debug, info, warn, error or silent)`);
  }
  return {
    port: parseInteger(env.PORT, 'PORT', defaults.port, 0, 65535),
    host: env.HOST?.trim() || defaults.host,
    logLevel,
  };
}

export function parseInteger(raw: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`Invalid ${name} "${raw}" (expected an integer between ${min} and ${max})`);
  }
  return value;
}

/** A base URL such as http://127.0.0.1:8002 (no trailing slash). */
export function parseBaseUrl(raw: string | undefined, name: string, fallback: string): string {
  const text = raw?.trim() || fallback;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`Invalid ${name} "${text}" (expected an http:// URL)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`Invalid ${name} "${text}" (expected an http:// URL)`);
  return text.replace(/\/+$/, '');
}
