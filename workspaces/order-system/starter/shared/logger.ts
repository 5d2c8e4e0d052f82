/**
 * Minimal structured logger.
 *
 * Every event is written as a single line: `LEVEL message {"optional":"fields"}`
 * with LEVEL padded to five characters, e.g.
 *
 *   INFO  POST /api/orders 201 3.1ms
 *   WARN  could not reach the inventory service {"product_id":3}
 *
 * debug/info go to stdout, warn/error go to stderr.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** An INFO line that is written whatever the level (e.g. the `listening on` line tools wait for). */
  announce(message: string, fields?: LogFields): void;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Sink for debug/info lines (defaults to process.stdout). */
  stdout?: (line: string) => void;
  /** Sink for warn/error lines (defaults to process.stderr). */
  stderr?: (line: string) => void;
}

const SEVERITY: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = SEVERITY[options.level ?? 'info'];
  const stdout = options.stdout ?? ((line: string) => process.stdout.write(`${line}\n`));
  const stderr = options.stderr ?? ((line: string) => process.stderr.write(`${line}\n`));

  const write = (level: Exclude<LogLevel, 'silent'>, message: string, fields?: LogFields, force = false): void => {
    if (!force && SEVERITY[level] < threshold) return;
    let line = `${level.toUpperCase().padEnd(5)} ${message}`;
    if (fields && Object.keys(fields).length > 0) line += ` ${safeStringify(fields)}`;
    (level === 'warn' || level === 'error' ? stderr : stdout)(line);
  };

  return {
    debug: (message, fields) => write('debug', message, fields),
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
    announce: (message, fields) => write('info', message, fields, true),
  };
}

function safeStringify(fields: LogFields): string {
  try {
    return JSON.stringify(fields);
  } catch {
    return '{"unserializable":true}';
  }
}
