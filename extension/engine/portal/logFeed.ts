/**
 * The services' output for the candidate portal: the recent lines (for a page that connects)
 * and batches of new ones, at most one batch per `flushMs` and `maxBatch` lines per batch (the
 * rest are counted as skipped), so a service printing in a loop cannot flood the page.
 */
import { Ring } from '../logs';
import type { PortalLogLine } from '../model/portal';
import { candidateLogLine } from './view';
import type { LogRecord } from '../model/services';

export interface LogBatch {
  lines: PortalLogLine[];
  skipped: number;
}

export class PortalLogFeed {
  private readonly services: Set<string>;
  private readonly recentLines: Ring<PortalLogLine>;
  private pending: PortalLogLine[] = [];
  private skipped = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<(batch: LogBatch) => void>();

  constructor(
    services: readonly string[],
    keep = 300,
    private readonly flushMs = 200,
    private readonly maxBatch = 200,
  ) {
    this.services = new Set(services);
    this.recentLines = new Ring(keep);
  }

  push(record: LogRecord): void {
    const line = candidateLogLine(record, this.services);
    if (!line) return;
    this.recentLines.push(line);
    if (this.listeners.size === 0) return;
    if (this.pending.length < this.maxBatch) this.pending.push(line);
    else this.skipped++;
    this.timer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  recent(): PortalLogLine[] {
    return this.recentLines.tail();
  }

  /** Called with every batch; returns an unsubscribe. */
  subscribe(listener: (batch: LogBatch) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }

  private flush(): void {
    this.timer = undefined;
    const batch = { lines: this.pending, skipped: this.skipped };
    this.pending = [];
    this.skipped = 0;
    if (batch.lines.length === 0 && batch.skipped === 0) return;
    for (const listener of this.listeners) listener(batch);
  }
}
