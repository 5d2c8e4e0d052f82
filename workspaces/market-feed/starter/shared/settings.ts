/**
 * A service's live settings: a `settings (key, value)` table in its own SQLite database, re-read
 * every 250 ms. Operators (and the interviewer's chaos modes) change them with an UPDATE.
 */
import Database from 'better-sqlite3';

export class Settings {
  readonly db: Database.Database;
  private values = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(path: string, defaults: Record<string, number>) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.exec('CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value REAL NOT NULL)');
    const insert = this.db.prepare('INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)');
    for (const [k, v] of Object.entries(defaults)) insert.run(k, v);
    this.reload();
  }

  get(key: string): number {
    return this.values.get(key) ?? 0;
  }

  /** Calls `onChange` with the keys whose value changed, after each re-read. */
  watch(onChange: (changed: string[]) => void, everyMs = 250): void {
    this.timer = setInterval(() => {
      const changed = this.reload();
      if (changed.length > 0) onChange(changed);
    }, everyMs);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
    this.db.close();
  }

  private reload(): string[] {
    const rows = this.db.prepare('SELECT key, value FROM settings').all() as { key: string; value: number }[];
    const changed: string[] = [];
    for (const r of rows) {
      if (this.values.get(r.key) !== r.value) changed.push(r.key);
      this.values.set(r.key, r.value);
    }
    return changed;
  }
}
