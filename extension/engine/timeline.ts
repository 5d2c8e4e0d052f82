/**
 * The session timeline: an append-only JSONL file in the session folder (never in the candidate
 * workspace). Each event is written and fsync'd before `append` returns, so a crash loses
 * nothing that was reported; a torn last line (power cut mid-write) is skipped on read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TimelineEvent } from './model/interview';
import { FaultlineError, errorMessage } from './errors';

export type TimelineListener = (event: TimelineEvent) => void;

export class Timeline {
  private fd: number | undefined;
  private readonly listeners = new Set<TimelineListener>();
  /** The events so far, read from the file once: this session is its only writer (it holds the lock). */
  private events: TimelineEvent[] | undefined;

  constructor(readonly file: string) {}

  append(type: string, data: Record<string, unknown> = {}): TimelineEvent {
    const event: TimelineEvent = { t: new Date().toISOString(), type, ...data };
    if (this.fd === undefined) {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      this.fd = fs.openSync(this.file, 'a', 0o600);
      // A previous writer killed mid-line left a torn last line: end it, or the next event would be glued to it.
      const size = fs.fstatSync(this.fd).size;
      if (size > 0) {
        const last = Buffer.alloc(1);
        const reader = fs.openSync(this.file, 'r');
        fs.readSync(reader, last, 0, 1, size - 1);
        fs.closeSync(reader);
        if (last[0] !== 0x0a) fs.writeSync(this.fd, '\n');
      }
    }
    this.writeLine(this.fd, Buffer.from(JSON.stringify(event) + '\n'), type);
    this.events?.push(event);
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // a broken view must not break the record
      }
    }
    return event;
  }

  /**
   * Writes one whole line or nothing: a short write is continued, and a failed one (a full disk)
   * is cut back to the last complete line before the error is thrown, so the next event starts on
   * a fresh line and no reader ever sees half an event.
   */
  private writeLine(fd: number, line: Buffer, type: string): void {
    const start = fs.fstatSync(fd).size;
    try {
      for (let done = 0; done < line.length;) {
        const n = fs.writeSync(fd, line, done, line.length - done);
        if (n <= 0) throw Object.assign(new Error('no progress writing'), { code: 'EIO' });
        done += n;
      }
      fs.fsyncSync(fd);
    } catch (err) {
      try {
        fs.ftruncateSync(fd, start);
      } catch {
        // the truncate failed too: the torn line is ended by the next writer (see append)
      }
      const code = (err as NodeJS.ErrnoException).code;
      const full = code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG';
      throw new FaultlineError(
        'io',
        `${full ? 'disk full' : `cannot write (${code ?? errorMessage(err)})`}: "${type}" was not recorded in the session timeline ${this.file}`,
        full ? 'free some space on that disk (or set FAULTLINE_HOME to another one), then try again' : undefined,
      );
    }
  }

  /** Called after each event is durably written (views, the candidate portal). Returns an unsubscribe. */
  onAppend(listener: TimelineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every event so far (a copy: callers may sort or reverse it). */
  read(): TimelineEvent[] {
    this.events ??= readTimeline(this.file);
    return [...this.events];
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Every complete event of a timeline file; a line cut short by a crash mid-write is skipped. */
export function readTimeline(file: string): TimelineEvent[] {
  return new TimelineTail(file).read();
}

/**
 * Reads a timeline file incrementally (`faultline timeline --follow`): each `read()` returns the
 * complete events appended since the previous one; a line still being written waits for the next.
 */
export class TimelineTail {
  private offset = 0;
  private pending = Buffer.alloc(0);

  constructor(readonly file: string) {}

  read(): TimelineEvent[] {
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch {
      return [];
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size < this.offset) {
        this.offset = 0; // replaced by a new file
        this.pending = Buffer.alloc(0);
      }
      if (size === this.offset) return [];
      const chunk = Buffer.alloc(size - this.offset);
      fs.readSync(fd, chunk, 0, chunk.length, this.offset);
      this.offset = size;
      const bytes = Buffer.concat([this.pending, chunk]);
      const end = bytes.lastIndexOf(0x0a) + 1; // whole lines only: never split a UTF-8 character
      this.pending = bytes.subarray(end);
      const events: TimelineEvent[] = [];
      for (const line of bytes.subarray(0, end).toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          events.push(JSON.parse(line) as TimelineEvent);
        } catch {
          // a line cut short by a crash mid-write: everything before it is intact
        }
      }
      return events;
    } finally {
      fs.closeSync(fd);
    }
  }
}
