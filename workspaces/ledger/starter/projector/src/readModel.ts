/** The read model's tables (the projector writes them, the query API reads them). */
import Database from 'better-sqlite3';

export interface AccountRow {
  account_id: string;
  owner_name: string;
  currency: string;
  balance_cents: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface TransactionRow {
  id: number;
  event_id: string;
  seq: number;
  account_id: string;
  /** open | deposit | withdrawal | transfer_in | transfer_out */
  type: string;
  /** Signed: money in is positive, money out negative. */
  amount_cents: number;
  balance_after_cents: number;
  description: string | null;
  transfer_id: string | null;
  counterparty: string | null;
  created_at: string;
}

export function openReadModel(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  return db;
}

export function migrate(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS accounts (
      account_id    TEXT    PRIMARY KEY,
      owner_name    TEXT    NOT NULL,
      currency      TEXT    NOT NULL,
      balance_cents INTEGER NOT NULL,
      version       INTEGER NOT NULL,
      created_at    TEXT    NOT NULL,
      updated_at    TEXT    NOT NULL
    );
    CREATE TABLE IF NOT EXISTS transactions (
      id                  INTEGER PRIMARY KEY AUTOINCREMENT,
      event_id            TEXT    NOT NULL,
      seq                 INTEGER NOT NULL,
      account_id          TEXT    NOT NULL,
      type                TEXT    NOT NULL,
      amount_cents        INTEGER NOT NULL,
      balance_after_cents INTEGER NOT NULL,
      description         TEXT,
      transfer_id         TEXT,
      counterparty        TEXT,
      created_at          TEXT    NOT NULL
    );
    CREATE INDEX IF NOT EXISTS transactions_by_account ON transactions (account_id, seq);
    CREATE TABLE IF NOT EXISTS projector_state (
      id         INTEGER PRIMARY KEY CHECK (id = 1),
      position   INTEGER NOT NULL,
      updated_at TEXT    NOT NULL
    );
    INSERT OR IGNORE INTO projector_state (id, position, updated_at) VALUES (1, 0, '');
  `);
}
