/**
 * Price Alerts service — reference implementation.
 *
 *  - Reads are single queries: alerts are LEFT JOINed with stocks, so listing
 *    or checking N alerts costs one query, not N + 1.
 *  - `checkAndTriggerAlerts` runs in one transaction and flips alerts with a
 *    conditional `UPDATE ... WHERE id IN (...) AND is_triggered = 0 RETURNING *`.
 *    Only rows that this UPDATE actually changed are reported, so an alert
 *    triggers exactly once even if checks run concurrently (or from another
 *    process sharing the database).
 *  - Bad market data never triggers and never throws: null / NaN / text /
 *    zero / negative / absurdly large prices are skipped, as are alerts whose
 *    stock row is missing.
 *  - Prices are compared in integer cents, so float noise such as
 *    100.0 + 0.1 + 0.1 + 0.1 = 100.30000000000001 still equals a 100.30 target.
 */
import type { Knex } from 'knex';
import type { User } from '../auth/schema';
import { HttpError } from '../errors';
import { finiteOrNull } from '../money';
import { getStock } from '../stocks/service';
import { nowTimestamp } from '../time';
import type { PriceAlertCreate, PriceAlertRow } from './schema';

/** An alert together with its stock's current price (null if unavailable). */
export interface AlertWithPrice {
  alert: PriceAlertRow;
  currentPrice: number | null;
}

/** Prices above this are treated as corrupt data rather than a real quote. */
export const MAX_PLAUSIBLE_PRICE = 10_000_000;

/** Upper bound for ids per `WHERE id IN (...)` (well below SQLite's variable limit). */
const UPDATE_BATCH_SIZE = 500;

type AlertJoinRow = PriceAlertRow & { stock_price: unknown };

/** A usable price in integer cents, or null for anything that must never trigger. */
export function toCents(value: unknown): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  if (value <= 0 || value > MAX_PLAUSIBLE_PRICE) return null;
  return Math.round(value * 100);
}

/** Whether an alert's condition holds for the given price (both in cents). */
export function isConditionMet(condition: unknown, priceCents: number, targetCents: number): boolean {
  switch (String(condition).toLowerCase()) {
    case 'above':
      return priceCents >= targetCents;
    case 'below':
      return priceCents <= targetCents;
    default:
      return false; // unknown condition: never trigger
  }
}

/** The user's alerts joined with their stock's current price. */
function alertsWithPrices(db: Knex | Knex.Transaction, user: User) {
  return db('price_alerts as a')
    .leftJoin('stocks as s', 's.symbol', 'a.symbol')
    .where('a.user_id', user.id)
    .select<AlertJoinRow[]>('a.*', 's.current_price as stock_price');
}

function withPrice({ stock_price, ...alert }: AlertJoinRow): AlertWithPrice {
  return { alert, currentPrice: finiteOrNull(stock_price) };
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

export async function createAlert(db: Knex, user: User, input: PriceAlertCreate): Promise<AlertWithPrice> {
  const symbol = input.symbol.toUpperCase();
  const stock = await getStock(db, symbol);
  if (!stock) throw new HttpError(404, `Stock ${symbol} not found`);

  const [alert] = await db<PriceAlertRow>('price_alerts')
    .insert({
      user_id: user.id,
      symbol,
      target_price: input.target_price,
      condition: input.condition,
      is_triggered: false,
      is_active: true,
      created_at: nowTimestamp(),
      triggered_at: null,
    })
    .returning('*');
  return { alert, currentPrice: finiteOrNull(stock.current_price) };
}

export async function getAlerts(db: Knex, user: User, options: { activeOnly: boolean }): Promise<AlertWithPrice[]> {
  const query = alertsWithPrices(db, user).orderBy([
    { column: 'a.created_at', order: 'desc' },
    { column: 'a.id', order: 'desc' },
  ]);
  if (options.activeOnly) query.andWhere('a.is_active', true).andWhere('a.is_triggered', false);
  const rows = await query;
  return rows.map(withPrice);
}

export async function getAlert(db: Knex, user: User, alertId: number): Promise<AlertWithPrice> {
  const row = await alertsWithPrices(db, user).andWhere('a.id', alertId).first();
  if (!row) throw new HttpError(404, 'Alert not found');
  return withPrice(row);
}

export async function deleteAlert(db: Knex, user: User, alertId: number): Promise<void> {
  const deleted = await db('price_alerts').where({ id: alertId, user_id: user.id }).delete();
  if (deleted === 0) throw new HttpError(404, 'Alert not found');
}

export async function checkAndTriggerAlerts(db: Knex, user: User): Promise<AlertWithPrice[]> {
  return db.transaction(async (trx) => {
    // 1. One query: every active, untriggered alert of the user with its stock's price.
    const candidates = await alertsWithPrices(trx, user).andWhere('a.is_active', true).andWhere('a.is_triggered', false).orderBy('a.id');

    // 2. Decide in memory, skipping bad data (missing stock, unusable price or target).
    const priceById = new Map<number, number | null>();
    for (const row of candidates) {
      const priceCents = toCents(row.stock_price);
      const targetCents = toCents(row.target_price);
      if (priceCents === null || targetCents === null) continue;
      if (isConditionMet(row.condition, priceCents, targetCents)) priceById.set(row.id, finiteOrNull(row.stock_price));
    }
    if (priceById.size === 0) return [];

    // 3. Conditional batched UPDATE: only rows still untriggered change, and
    //    RETURNING tells us exactly which ones this call triggered.
    const triggeredAt = nowTimestamp();
    const triggered: PriceAlertRow[] = [];
    for (const ids of chunk([...priceById.keys()], UPDATE_BATCH_SIZE)) {
      const rows = await trx<PriceAlertRow>('price_alerts')
        .whereIn('id', ids)
        .andWhere({ user_id: user.id, is_triggered: false })
        .update({ is_triggered: true, triggered_at: triggeredAt })
        .returning('*');
      triggered.push(...rows);
    }

    return triggered.sort((a, b) => a.id - b.id).map((alert) => ({ alert, currentPrice: priceById.get(alert.id) ?? null }));
  });
}
