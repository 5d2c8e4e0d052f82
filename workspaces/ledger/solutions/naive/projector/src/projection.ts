/** Applies events to the read model, skipping events it has seen. Old event versions are upcast first. */
import type Database from 'better-sqlite3';
import type { StoredEvent } from '../../shared/events';
import { toCents } from '../../shared/money';
import { migrate, type AccountRow } from './readModel';
import { upcast } from './upcast';

export class Projection {
  /** Ids of the events applied since the projector started. */
  private readonly seen = new Set<string>();

  constructor(readonly db: Database.Database) {
    migrate(db);
  }

  /** Position (seq) of the last event applied. */
  position(): number {
    return (this.db.prepare('SELECT position FROM projector_state WHERE id = 1').get() as { position: number }).position;
  }

  /** Applies an event once; false when it was applied before. */
  apply(raw: StoredEvent): boolean {
    return this.db.transaction(() => {
      const now = new Date().toISOString();
      if (this.seen.has(raw.event_id)) return false;
      this.seen.add(raw.event_id);
      this.change(upcast(raw));
      this.db.prepare('UPDATE projector_state SET position = MAX(position, ?), updated_at = ? WHERE id = 1').run(raw.seq, now);
      return true;
    })();
  }

  /** Empties the read model and applies `events` (every event of the store, in order) in one transaction. */
  rebuild(events: StoredEvent[]): number {
    this.seen.clear();
    return this.db.transaction(() => {
      this.db.exec("DELETE FROM accounts; DELETE FROM transactions; UPDATE projector_state SET position = 0, updated_at = ''");
      let applied = 0;
      for (const e of events) if (this.apply(e)) applied++;
      return applied;
    })();
  }

  /** When the read model last changed (for staleness). */
  updatedAt(): string | null {
    const row = this.db.prepare('SELECT updated_at FROM projector_state WHERE id = 1').get() as { updated_at: string };
    return row.updated_at || null;
  }

  private change(event: StoredEvent): void {
    switch (event.event_type) {
      case 'AccountCreated':
        this.accountCreated(event);
        break;
      case 'MoneyDeposited':
        this.moneyMoved(event, +1);
        break;
      case 'MoneyWithdrawn':
        this.moneyMoved(event, -1);
        break;
      default:
        console.log(`WARN  [projector] skipping unknown event type ${event.event_type}`);
    }
  }

  private accountCreated(event: StoredEvent): void {
    const initial = toCents(event.data['initial_balance'] ?? 0);
    this.db
      .prepare(
        'INSERT INTO accounts (account_id, owner_name, currency, balance_cents, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        event.aggregate_id,
        event.data['owner_name'],
        event.data['currency'],
        initial,
        event.version,
        event.created_at,
        event.created_at,
      );
    if (initial > 0) this.transaction(event, 'open', initial, initial);
  }

  private moneyMoved(event: StoredEvent, sign: 1 | -1): void {
    const currency = String(event.data['currency']).toUpperCase();
    const account = this.db.prepare('SELECT * FROM accounts WHERE account_id = ?').get(event.aggregate_id) as AccountRow | undefined;
    if (!account) throw new Error(`event ${event.event_id} for unknown account ${event.aggregate_id}`);
    if (currency !== account.currency) throw new Error(`event ${event.event_id} in ${currency} for a ${account.currency} account`);
    const amount = sign * toCents(event.data['amount']);
    const balance = account.balance_cents + amount;
    this.db
      .prepare('UPDATE accounts SET balance_cents = ?, version = ?, updated_at = ? WHERE account_id = ?')
      .run(balance, event.version, event.created_at, event.aggregate_id);
    const transfer = typeof event.data['transfer_id'] === 'string';
    const type = transfer ? (sign > 0 ? 'transfer_in' : 'transfer_out') : sign > 0 ? 'deposit' : 'withdrawal';
    this.transaction(event, type, amount, balance);
  }

  private transaction(event: StoredEvent, type: string, amount: number, balanceAfter: number): void {
    const counterparty = event.data['from_account_id'] ?? event.data['to_account_id'] ?? null;
    this.db
      .prepare(
        `INSERT INTO transactions (event_id, seq, account_id, type, amount_cents, balance_after_cents, description, transfer_id, counterparty, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        event.event_id,
        event.seq,
        event.aggregate_id,
        type,
        amount,
        balanceAfter,
        event.data['description'] ?? null,
        event.data['transfer_id'] ?? null,
        counterparty,
        event.created_at,
      );
  }
}
