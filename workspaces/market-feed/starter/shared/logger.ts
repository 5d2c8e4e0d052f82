/** One line per message, with the level first (the supervisor's log view parses it). */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function createLogger(service: string, quiet = false): Logger {
  const line = (level: string, message: string) => {
    if (!quiet) console.log(`${level.padEnd(5)} [${service}] ${message}`);
  };
  return {
    info: (m) => line('INFO', m),
    warn: (m) => line('WARN', m),
    error: (m) => line('ERROR', m),
  };
}
