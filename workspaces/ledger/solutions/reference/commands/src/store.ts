/**
 * The event store: an append-only SQLite table of versioned events (the source of truth), with
 * optimistic concurrency on each account's version and a transactional outbox.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { StoredEvent } from '../../shared/events';

/** An event to append; the store gives it its id, position and time. */
export interface NewEvent {
  aggregate_id: string;
  version: number;
  event_type: string;
  event_version: number;
  data: Record<string, unknown>;
}

/** Someone else appended to the account since we read it: re-read and decide again. */
export class ConcurrencyError extends Error {
  constructor(
    readonly aggregateId: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`account ${aggregateId} is at version ${actual}, expected ${expected}`);
  }
}

interface Row {
  seq: number;
  event_id: string;
  aggregate_id: string;
  version: number;
  event_type: string;
  event_version: number;
  data: string;
  created_at: string;
}

export function openDatabase(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  return db;
}

export class EventStore {
  constructor(
    readonly db: Database.Database,
    readonly now: () => Date = () => new Date(),
  ) {
    this.migrate();
  }

  migrate(): void {
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS events (
        seq           INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id      TEXT    NOT NULL UNIQUE,
        aggregate_id  TEXT    NOT NULL,
        version       INTEGER NOT NULL,
        event_type    TEXT    NOT NULL,
        event_version INTEGER NOT NULL DEFAULT 1,
        data          TEXT    NOT NULL,
        created_at    TEXT    NOT NULL
      );
      CREATE INDEX IF NOT EXISTS events_by_aggregate ON events (aggregate_id, version);
      -- One event per account version: the database itself refuses a lost update.
      CREATE UNIQUE INDEX IF NOT EXISTS events_aggregate_version ON events (aggregate_id, version);
      -- Events to publish, written in the same transaction as the events (the relay publishes them).
      CREATE TABLE IF NOT EXISTS outbox (
        seq           INTEGER PRIMARY KEY REFERENCES events (seq),
        claimed_until INTEGER,
        published_at  TEXT
      );
      CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (published_at, seq);
    `);
  }

  load(aggregateId: string): StoredEvent[] {
    const rows = this.db.prepare('SELECT * FROM events WHERE aggregate_id = ? ORDER BY version, seq').all(aggregateId) as Row[];
    return rows.map(toEvent);
  }

  list(after: number, limit: number): StoredEvent[] {
    const rows = this.db.prepare('SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?').all(after, limit) as Row[];
    return rows.map(toEvent);
  }

  latest(limit: number): StoredEvent[] {
    const rows = this.db.prepare('SELECT * FROM events ORDER BY seq DESC LIMIT ?').all(limit) as Row[];
    return rows.map(toEvent);
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  }

  /** The version of an account's last event (0: no such account). */
  version(aggregateId: string): number {
    return (this.db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM events WHERE aggregate_id = ?').get(aggregateId) as { v: number })
      .v;
  }

  /**
   * Appends events together (all or none), and their outbox rows. Each event's `version` must be
   * the next one of its account: otherwise nothing is written and a `ConcurrencyError` says so.
   * BEGIN IMMEDIATE: the check and the insert run under the write lock, across processes too.
   */
  append(events: NewEvent[]): StoredEvent[] {
    return this.db
      .transaction(() => {
        const next = new Map<string, number>();
        for (const e of events) {
          const current = next.get(e.aggregate_id) ?? this.version(e.aggregate_id);
          if (e.version !== current + 1) throw new ConcurrencyError(e.aggregate_id, e.version - 1, current);
          next.set(e.aggregate_id, e.version);
        }
        return events.map((e) => {
          const stored = this.insert(e);
          this.db.prepare('INSERT INTO outbox (seq) VALUES (?)').run(stored.seq);
          return stored;
        });
      })
      .immediate();
  }

  /** Claims up to `limit` unpublished events for `leaseMs` (another relay skips them meanwhile). */
  claimOutbox(limit: number, leaseMs: number): StoredEvent[] {
    const now = Date.now();
    return this.db
      .transaction(() => {
        const seqs = this.db
          .prepare(
            `UPDATE outbox SET claimed_until = ? WHERE seq IN (
               SELECT seq FROM outbox WHERE published_at IS NULL AND (claimed_until IS NULL OR claimed_until < ?) ORDER BY seq LIMIT ?
             ) RETURNING seq`,
          )
          .all(now + leaseMs, now, limit) as { seq: number }[];
        if (seqs.length === 0) return [];
        const rows = this.db
          .prepare(`SELECT * FROM events WHERE seq IN (${seqs.map(() => '?').join(',')}) ORDER BY seq`)
          .all(...seqs.map((s) => s.seq)) as Row[];
        return rows.map(toEvent);
      })
      .immediate();
  }

  markPublished(seq: number): void {
    this.db.prepare('UPDATE outbox SET published_at = ?, claimed_until = NULL WHERE seq = ?').run(this.now().toISOString(), seq);
  }

  pendingOutbox(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM outbox WHERE published_at IS NULL').get() as { n: number }).n;
  }

  insert(e: NewEvent): StoredEvent {
    const event_id = randomUUID();
    const created_at = this.now().toISOString();
    const { lastInsertRowid } = this.db
      .prepare(
        'INSERT INTO events (event_id, aggregate_id, version, event_type, event_version, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(event_id, e.aggregate_id, e.version, e.event_type, e.event_version, JSON.stringify(e.data), created_at);
    return { seq: Number(lastInsertRowid), event_id, created_at, ...e };
  }
}

function toEvent(row: Row): StoredEvent {
  let data: Record<string, unknown> = {};
  try {
    data = JSON.parse(row.data) as Record<string, unknown>;
  } catch {
    // an unreadable payload stays empty: the event is still part of the history
  }
  return { ...row, data };
}
