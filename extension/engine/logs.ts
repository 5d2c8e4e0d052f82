/**
 * Service output as structured records: one record per line with a level, whatever the service
 * prints — JSON lines (pino/bunyan style), `LEVEL message` text, `[warn] …`, Node's own warnings,
 * stack-trace continuation lines (which keep the level of the line they continue).
 */
import type { LogLevel, LogRecord, LogStream } from './model/services';

const LEVEL_WORDS: Record<string, LogLevel> = {
  trace: 'trace',
  debug: 'debug',
  verbose: 'debug',
  info: 'info',
  information: 'info',
  notice: 'info',
  warn: 'warn',
  warning: 'warn',
  err: 'error',
  error: 'error',
  fatal: 'fatal',
  critical: 'fatal',
  crit: 'fatal',
  panic: 'fatal',
};

function levelFromNumber(n: number): LogLevel {
  if (n >= 60) return 'fatal';
  if (n >= 50) return 'error';
  if (n >= 40) return 'warn';
  if (n >= 30) return 'info';
  if (n >= 20) return 'debug';
  return 'trace';
}

const TIMESTAMP = /^\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?\]?\s+/;
const LEVEL_TOKEN = /^\[?(trace|debug|verbose|info|information|notice|warn|warning|err|error|fatal|critical|crit|panic)\]?(?::\s*|\s+|$)/i;
const NODE_WARNING = /^\(node:\d+\)\s+(?:\[\w+\]\s+)?\w*Warning:/;
const CONTINUATION = /^(\s+\S|\s*at\s|\s*\.\.\. \d+ more|\s*\}|\s*\]|\s*code:|\s*Caused by)/;

export interface ParsedLine {
  level: LogLevel;
  message: string;
  fields?: Record<string, unknown>;
  continuation: boolean;
}

export function parseLogLine(line: string, stream: Exclude<LogStream, 'supervisor'>): ParsedLine {
  const fallback = (stream === 'stderr' ? 'error' : 'info') as LogLevel;
  const trimmed = line.trimEnd();
  if (trimmed.startsWith('{') && trimmed.endsWith('}')) {
    try {
      const obj = JSON.parse(trimmed) as Record<string, unknown>;
      if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
        const rawLevel = obj['level'] ?? obj['severity'] ?? obj['lvl'];
        let level = fallback;
        if (typeof rawLevel === 'number') level = levelFromNumber(rawLevel);
        else if (typeof rawLevel === 'string') level = LEVEL_WORDS[rawLevel.toLowerCase()] ?? fallback;
        const rawMessage = obj['msg'] ?? obj['message'];
        const message = typeof rawMessage === 'string' ? rawMessage : trimmed;
        const fields: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(obj)) {
          if (!['level', 'severity', 'lvl', 'msg', 'message', 'time', 'timestamp', 'pid', 'hostname', 'v'].includes(k)) fields[k] = v;
        }
        return Object.keys(fields).length > 0 ? { level, message, fields, continuation: false } : { level, message, continuation: false };
      }
    } catch {
      // not JSON after all: fall through to text parsing
    }
  }
  if (CONTINUATION.test(trimmed)) return { level: fallback, message: trimmed, continuation: true };
  if (NODE_WARNING.test(trimmed)) return { level: 'warn', message: trimmed, continuation: false };
  const rest = trimmed.replace(TIMESTAMP, '');
  const m = LEVEL_TOKEN.exec(rest);
  if (m) {
    const level = LEVEL_WORDS[(m[1] as string).toLowerCase()] ?? fallback;
    return { level, message: rest.slice(m[0].length), continuation: false };
  }
  return { level: fallback, message: trimmed, continuation: false };
}

/** Splits a byte stream into lines, tolerating partial chunks and very long lines. */
export class LineSplitter {
  private pending = '';
  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLine = 16 * 1024,
  ) {}

  push(chunk: string): void {
    let data = this.pending + chunk;
    let nl = data.indexOf('\n');
    while (nl >= 0) {
      this.emit(data.slice(0, nl));
      data = data.slice(nl + 1);
      nl = data.indexOf('\n');
    }
    while (data.length > this.maxLine) {
      this.emit(data.slice(0, this.maxLine));
      data = data.slice(this.maxLine);
    }
    this.pending = data;
  }

  flush(): void {
    if (this.pending) this.emit(this.pending);
    this.pending = '';
  }

  private emit(line: string): void {
    const clean = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (clean.trim().length > 0) this.onLine(clean);
  }
}

/** Fixed-size ring buffer of the most recent items. */
export class Ring<T> {
  private readonly items: T[] = [];
  constructor(private readonly capacity: number) {}
  push(item: T): void {
    this.items.push(item);
    if (this.items.length > this.capacity) this.items.shift();
  }
  tail(n = this.capacity): T[] {
    return this.items.slice(-n);
  }
  clear(): void {
    this.items.length = 0;
  }
}

/** Turns one output stream of one process into LogRecords. */
export class LogStreamParser {
  private lastLevel: LogLevel | undefined;
  private readonly splitter: LineSplitter;

  constructor(
    private readonly service: string,
    private readonly instance: number,
    private readonly stream: Exclude<LogStream, 'supervisor'>,
    private readonly sink: (record: LogRecord) => void,
  ) {
    this.splitter = new LineSplitter((line) => this.line(line));
  }

  push(chunk: string): void {
    this.splitter.push(chunk);
  }

  end(): void {
    this.splitter.flush();
  }

  private line(line: string): void {
    const parsed = parseLogLine(line, this.stream);
    const level = parsed.continuation && this.lastLevel ? this.lastLevel : parsed.level;
    if (!parsed.continuation) this.lastLevel = level;
    const record: LogRecord = {
      time: Date.now(),
      service: this.service,
      instance: this.instance,
      level,
      stream: this.stream,
      message: parsed.message,
    };
    if (parsed.fields) record.fields = parsed.fields;
    this.sink(record);
  }
}
