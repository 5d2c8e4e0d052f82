import type { LogLevel, LogRecord } from '../../engine/model/services';
/**
 * Batches service log records for an editor log channel (no `vscode` import, so it is tested
 * with node:test). A flood of 10,000 lines a second must not freeze the editor: records are
 * buffered and flushed on a short timer; under pressure (a flush of more than `coalesceAbove`
 * lines) consecutive lines of one level become one append; and
 * when a flush would exceed `maxLinesPerFlush` the oldest surplus lines are summarised in one
 * line instead of written (the newest lines are what a reader looks at; `faultline logs` keeps
 * a longer tail).
 */

/** Levels a log channel knows (fatal is shown as error). */
export type ChannelLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface LogBatcherOptions {
  /** Write a block of lines of one level. */
  write: (level: ChannelLevel, text: string) => void;
  flushMs?: number;
  maxLinesPerFlush?: number;
  /** Up to this many lines a flush writes line by line (each with its own time); beyond, runs of a level are joined. */
  coalesceAbove?: number;
  /** Prefix lines with the replica number (services with replicas). */
  showInstance?: boolean;
  setTimer?: (fn: () => void, ms: number) => unknown;
}

const CHANNEL_LEVEL: Record<LogLevel, ChannelLevel> = {
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'error',
};

export function formatRecord(r: LogRecord, showInstance: boolean): string {
  const prefix = `${showInstance ? `[#${r.instance}] ` : ''}${r.stream === 'supervisor' ? '[faultline] ' : ''}${r.level === 'fatal' ? 'FATAL ' : ''}`;
  const fields = r.fields && Object.keys(r.fields).length > 0 ? ` ${JSON.stringify(r.fields)}` : '';
  return prefix + r.message + fields;
}

export class LogBatcher {
  private buffer: LogRecord[] = [];
  private skipped = 0;
  private scheduled = false;
  private disposed = false;
  private readonly flushMs: number;
  private readonly max: number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;

  constructor(private readonly opts: LogBatcherOptions) {
    this.flushMs = opts.flushMs ?? 100;
    this.max = opts.maxLinesPerFlush ?? 2_000;
    this.setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms).unref());
  }

  push(record: LogRecord): void {
    if (this.disposed) return;
    this.buffer.push(record);
    // Bound memory during a flood: keep only what the next flush can write.
    if (this.buffer.length > this.max * 2) {
      const drop = this.buffer.length - this.max;
      this.skipped += drop;
      this.buffer = this.buffer.slice(drop);
    }
    if (!this.scheduled) {
      this.scheduled = true;
      this.setTimer(() => this.flush(), this.flushMs);
    }
  }

  flush(): void {
    this.scheduled = false;
    let records = this.buffer;
    this.buffer = [];
    if (records.length > this.max) {
      this.skipped += records.length - this.max;
      records = records.slice(records.length - this.max);
    }
    if (this.skipped > 0) {
      this.opts.write('warn', `[faultline] ${this.skipped} log lines skipped (too many to show); \`faultline logs\` keeps the latest`);
      this.skipped = 0;
    }
    const showInstance = this.opts.showInstance ?? false;
    if (records.length <= (this.opts.coalesceAbove ?? 200)) {
      for (const r of records) this.opts.write(CHANNEL_LEVEL[r.level], formatRecord(r, showInstance));
      return;
    }
    let level: ChannelLevel | undefined;
    let lines: string[] = [];
    const emit = () => {
      if (level !== undefined && lines.length > 0) this.opts.write(level, lines.join('\n'));
      lines = [];
    };
    for (const r of records) {
      const l = CHANNEL_LEVEL[r.level];
      if (l !== level) {
        emit();
        level = l;
      }
      lines.push(formatRecord(r, showInstance));
    }
    emit();
  }

  dispose(): void {
    if (!this.disposed) this.flush();
    this.disposed = true;
  }
}
