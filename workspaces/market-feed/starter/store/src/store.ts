/** The history store's database: every underlying tick and the latest chain per (symbol, expiry). */
import Database from 'better-sqlite3';
import type { Chain, UnderlyingTick } from '../../shared/market';

export class History {
  readonly db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS ticks (symbol TEXT NOT NULL, seq INTEGER NOT NULL, price REAL NOT NULL, ts INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS ticks_symbol_ts ON ticks (symbol, ts);
      CREATE TABLE IF NOT EXISTS chains (symbol TEXT NOT NULL, expiry TEXT NOT NULL, seq INTEGER NOT NULL, ts INTEGER NOT NULL,
        body TEXT NOT NULL, PRIMARY KEY (symbol, expiry));
    `);
  }

  addTick(t: UnderlyingTick): void {
    this.db.prepare('INSERT INTO ticks (symbol, seq, price, ts) VALUES (?, ?, ?, ?)').run(t.symbol, t.seq, t.price, t.ts);
  }

  putChain(c: Chain): void {
    this.db
      .prepare('INSERT OR REPLACE INTO chains (symbol, expiry, seq, ts, body) VALUES (?, ?, ?, ?, ?)')
      .run(c.symbol, c.expiry, c.seq, c.ts, JSON.stringify(c));
  }

  /** The latest tick and up to `limit` recent prices, newest first. */
  underlying(symbol: string, limit = 60): { latest: UnderlyingTick | null; history: { price: number; ts: number }[] } {
    const rows = this.db
      .prepare('SELECT seq, price, ts FROM ticks WHERE symbol = ? ORDER BY ts DESC, seq DESC LIMIT ?')
      .all(symbol, limit) as {
      seq: number;
      price: number;
      ts: number;
    }[];
    const first = rows[0];
    return {
      latest: first ? { symbol, price: first.price, change: 0, seq: first.seq, ts: first.ts } : null,
      history: rows.map((r) => ({ price: r.price, ts: r.ts })),
    };
  }

  expiries(symbol: string): string[] {
    return (this.db.prepare('SELECT expiry FROM chains WHERE symbol = ? ORDER BY expiry').all(symbol) as { expiry: string }[]).map(
      (r) => r.expiry,
    );
  }

  /** The latest chain of a symbol for an expiry (the nearest one when none is given). */
  chain(symbol: string, expiry?: string): Chain | null {
    const row = (
      expiry
        ? this.db.prepare('SELECT body FROM chains WHERE symbol = ? AND expiry = ?').get(symbol, expiry)
        : this.db.prepare('SELECT body FROM chains WHERE symbol = ? ORDER BY expiry LIMIT 1').get(symbol)
    ) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as Chain) : null;
  }

  /** Drops ticks older than `keepMs`. */
  prune(keepMs: number): void {
    this.db.prepare('DELETE FROM ticks WHERE ts < ?').run(Date.now() - keepMs);
  }
}
