/** The query API (read side): answers from the read model only. */
import type Database from 'better-sqlite3';
import type { Express } from 'express';
import { finish, HttpError, jsonApp } from '../../shared/http';
import type { Logger } from '../../shared/logger';
import { formatCents } from '../../shared/money';
import type { AccountRow, TransactionRow } from '../../projector/src/readModel';

function accountJson(a: AccountRow) {
  return {
    account_id: a.account_id,
    owner_name: a.owner_name,
    balance: formatCents(a.balance_cents),
    currency: a.currency,
    version: a.version,
    created_at: a.created_at,
    updated_at: a.updated_at,
  };
}

function transactionJson(t: TransactionRow) {
  return {
    event_id: t.event_id,
    type: t.type,
    amount: formatCents(Math.abs(t.amount_cents)),
    balance_after: formatCents(t.balance_after_cents),
    description: t.description,
    transfer_id: t.transfer_id,
    counterparty: t.counterparty,
    created_at: t.created_at,
  };
}

export function createApp({ db, log }: { db: Database.Database; log: Logger }): Express {
  const app = jsonApp();

  const account = (id: string): AccountRow => {
    const row = db.prepare('SELECT * FROM accounts WHERE account_id = ?').get(id) as AccountRow | undefined;
    if (!row) throw new HttpError(404, `Account ${id} not found`);
    return row;
  };

  app.get('/health', (_req, res) => {
    db.prepare('SELECT 1').get();
    res.json({ status: 'ok' });
  });

  app.get('/accounts', (_req, res) => {
    const rows = db.prepare('SELECT * FROM accounts ORDER BY account_id').all() as AccountRow[];
    res.json({ accounts: rows.map(accountJson), total: rows.length });
  });

  app.get('/accounts/:id', (req, res) => {
    res.json(accountJson(account(req.params.id)));
  });

  app.get('/accounts/:id/transactions', (req, res) => {
    const a = account(req.params.id);
    const limit = req.query['limit'] === undefined ? 50 : Number(req.query['limit']);
    if (!Number.isInteger(limit) || limit < 1) throw new HttpError(400, 'limit must be a positive integer');
    const rows = db
      .prepare('SELECT * FROM transactions WHERE account_id = ? ORDER BY seq DESC, id DESC LIMIT ?')
      .all(a.account_id, Math.min(limit, 500)) as TransactionRow[];
    const { n } = db.prepare('SELECT COUNT(*) AS n FROM transactions WHERE account_id = ?').get(a.account_id) as { n: number };
    res.json({ account_id: a.account_id, transactions: rows.map(transactionJson), total: n });
  });

  /** The balance as it was at `timestamp`: the account's history replayed up to that moment. */
  app.get('/accounts/:id/balance-at', (req, res) => {
    const raw = req.query['timestamp'];
    const at = typeof raw === 'string' ? new Date(raw) : undefined;
    if (!at || Number.isNaN(at.getTime())) throw new HttpError(400, 'timestamp is required (ISO 8601, e.g. 2026-01-15T10:00:00Z)');
    const a = account(req.params.id);
    const iso = at.toISOString();
    if (a.created_at > iso) throw new HttpError(404, 'Account did not exist at this time');
    const rows = db
      .prepare('SELECT amount_cents FROM transactions WHERE account_id = ? AND created_at <= ? ORDER BY seq')
      .all(a.account_id, iso) as { amount_cents: number }[];
    const cents = rows.reduce((sum, r) => sum + r.amount_cents, 0);
    res.json({ account_id: a.account_id, timestamp: iso, balance: formatCents(cents), currency: a.currency });
  });

  finish(app, (line) => log.error(line));
  return app;
}
