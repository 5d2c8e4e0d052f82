/** The command API (write side). Routes only: validation here, rules in ledger.ts. */
import type { Express } from 'express';
import { bodyOf, finish, HttpError, jsonApp, optionalString, requireString } from '../../shared/http';
import type { Logger } from '../../shared/logger';
import { formatCents, parseAmount, parseCurrency } from '../../shared/money';
import type { Ledger } from './ledger';

const ACCOUNT_ID = /^[A-Za-z0-9_-]{1,64}$/;

function accountId(body: Record<string, unknown>, field: string): string {
  const id = requireString(body, field, 64);
  if (!ACCOUNT_ID.test(id)) throw new HttpError(400, `${field} may contain only letters, digits, "-" and "_"`);
  return id;
}

function currencyOf(body: Record<string, unknown>): string | undefined {
  return body['currency'] === undefined ? undefined : parseCurrency(body['currency']);
}

function limitOf(value: unknown, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new HttpError(400, 'limit must be a positive integer');
  return Math.min(n, max);
}

/** What the routes need of the ledger. */
export type Commands = Pick<Ledger, 'store' | 'createAccount' | 'deposit' | 'withdraw' | 'transfer'>;

export function createApp({ ledger, log }: { ledger: Commands; log: Logger }): Express {
  const app = jsonApp();

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', events: ledger.store.count() });
  });

  app.post('/commands/create-account', (req, res) => {
    const body = bodyOf(req.body);
    const event = ledger.createAccount({
      account_id: accountId(body, 'account_id'),
      owner_name: requireString(body, 'owner_name'),
      initial_cents:
        body['initial_balance'] === undefined ? 0 : parseAmount(body['initial_balance'], 'initial_balance', { allowZero: true }),
      currency: body['currency'] === undefined ? 'USD' : parseCurrency(body['currency']),
    });
    res.status(201).json({ success: true, event_id: event.event_id, account_id: event.aggregate_id });
  });

  app.post('/commands/deposit', (req, res) => {
    const body = bodyOf(req.body);
    const { event, balance_cents } = ledger.deposit({
      account_id: accountId(body, 'account_id'),
      cents: parseAmount(body['amount']),
      description: optionalString(body, 'description'),
      currency: currencyOf(body),
    });
    res.status(201).json({ success: true, event_id: event.event_id, balance: formatCents(balance_cents) });
  });

  app.post('/commands/withdraw', (req, res) => {
    const body = bodyOf(req.body);
    const { event, balance_cents } = ledger.withdraw({
      account_id: accountId(body, 'account_id'),
      cents: parseAmount(body['amount']),
      description: optionalString(body, 'description'),
      currency: currencyOf(body),
    });
    res.status(201).json({ success: true, event_id: event.event_id, balance: formatCents(balance_cents) });
  });

  app.post('/commands/transfer', (req, res) => {
    const body = bodyOf(req.body);
    const { transfer_id, events } = ledger.transfer({
      from: accountId(body, 'from_account_id'),
      to: accountId(body, 'to_account_id'),
      cents: parseAmount(body['amount']),
      description: optionalString(body, 'description'),
    });
    res.status(201).json({
      success: true,
      transfer_id,
      events: events.map((e) => ({ event_id: e.event_id, account_id: e.aggregate_id, event_type: e.event_type })),
    });
  });

  /** The event store: `?after=<seq>` pages forward (oldest first); without it, the newest `limit` (newest first). */
  app.get('/events', (req, res) => {
    const limit = limitOf(req.query['limit'], 1000, 100);
    if (req.query['after'] === undefined) {
      res.json({ events: ledger.store.latest(limit), total: ledger.store.count() });
      return;
    }
    const after = Number(req.query['after']);
    if (!Number.isInteger(after) || after < 0) throw new HttpError(400, 'after must be a non-negative integer');
    res.json({ events: ledger.store.list(after, limit), total: ledger.store.count() });
  });

  finish(app, (line) => log.error(line));
  return app;
}
