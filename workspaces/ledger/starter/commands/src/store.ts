/** The event store: an append-only SQLite table of versioned events (the source of truth). */
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
    `);
  }

  /** Every event of one account, in order. */
  load(aggregateId: string): StoredEvent[] {
    const rows = this.db.prepare('SELECT * FROM events WHERE aggregate_id = ? ORDER BY version, seq').all(aggregateId) as Row[];
    return rows.map(toEvent);
  }

  /** Events after a position, oldest first. */
  list(after: number, limit: number): StoredEvent[] {
    const rows = this.db.prepare('SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?').all(after, limit) as Row[];
    return rows.map(toEvent);
  }

  /** The newest events, newest first. */
  latest(limit: number): StoredEvent[] {
    const rows = this.db.prepare('SELECT * FROM events ORDER BY seq DESC LIMIT ?').all(limit) as Row[];
    return rows.map(toEvent);
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  }

  /** Appends events together (all or none). */
  append(events: NewEvent[]): StoredEvent[] {
    return this.db.transaction(() => events.map((e) => this.insert(e)))();
  }

  insert(e: NewEvent): StoredEvent {
    const event_id = randomUUID();
    const created_at = this.now().toISOString();
    const data = JSON.stringify(e.data);
    const { lastInsertRowid } = this.db
      .prepare(
        'INSERT INTO events (event_id, aggregate_id, version, event_type, event_version, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(event_id, e.aggregate_id, e.version, e.event_type, e.event_version, data, created_at);
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
