/**
 * Price Alerts service — INTENTIONALLY NAIVE implementation (interviewer demo).
 *
 * Functionally correct for the test suite, but written the way a first
 * attempt often looks, so the chaos modes have something to expose:
 *
 *  1. N+1 queries: the stock price is fetched with a separate query for
 *     every alert (500 alerts -> 501 queries), both when listing and checking.
 *  2. One UPDATE (and therefore one commit) per triggered alert, with no
 *     surrounding transaction.
 *  3. No concurrency guard: alerts are read, then updated later with awaits in
 *     between and without re-checking `is_triggered`, so two concurrent checks
 *     can both "trigger" (and report) the same alert.
 *  4. No defence against bad data or float noise: prices are compared as raw
 *     floats (100.0 + 0.1 + 0.1 + 0.1 <= 100.30 is false), null/negative/zero
 *     prices are compared as if they were real (null <= target is true in JS).
 */
import type { Knex } from 'knex';
import type { User } from '../auth/schema';
import { HttpError } from '../errors';
import { getStock } from '../stocks/service';
import { nowTimestamp } from '../time';
import type { PriceAlertCreate, PriceAlertRow } from './schema';

/** An alert together with its stock's current price (null if unavailable). */
export interface AlertWithPrice {
  alert: PriceAlertRow;
  currentPrice: number | null;
}

/** NAIVE: one extra query per alert. */
async function attachPrice(db: Knex, alert: PriceAlertRow): Promise<AlertWithPrice> {
  const stock = await getStock(db, alert.symbol);
  return { alert, currentPrice: stock ? stock.current_price : null };
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
  return { alert, currentPrice: stock.current_price };
}

export async function getAlerts(db: Knex, user: User, options: { activeOnly: boolean }): Promise<AlertWithPrice[]> {
  const query = db<PriceAlertRow>('price_alerts').where({ user_id: user.id });
  if (options.activeOnly) query.andWhere({ is_active: true, is_triggered: false });
  const alerts = await query.orderBy([
    { column: 'created_at', order: 'desc' },
    { column: 'id', order: 'desc' },
  ]);

  // NAIVE: N+1 — one price lookup per alert.
  const result: AlertWithPrice[] = [];
  for (const alert of alerts) result.push(await attachPrice(db, alert));
  return result;
}

export async function getAlert(db: Knex, user: User, alertId: number): Promise<AlertWithPrice> {
  const alert = await db<PriceAlertRow>('price_alerts').where({ id: alertId, user_id: user.id }).first();
  if (!alert) throw new HttpError(404, 'Alert not found');
  return attachPrice(db, alert);
}

export async function deleteAlert(db: Knex, user: User, alertId: number): Promise<void> {
  const alert = await db<PriceAlertRow>('price_alerts').where({ id: alertId, user_id: user.id }).first();
  if (!alert) throw new HttpError(404, 'Alert not found');
  await db('price_alerts').where({ id: alert.id }).delete();
}

export async function checkAndTriggerAlerts(db: Knex, user: User): Promise<AlertWithPrice[]> {
  // Read every active, untriggered alert...
  const alerts = await db<PriceAlertRow>('price_alerts').where({
    user_id: user.id,
    is_active: true,
    is_triggered: false,
  });

  const triggered: AlertWithPrice[] = [];
  for (const alert of alerts) {
    // PROBLEM 1 (N+1): a separate query for each alert's stock.
    const stock = await getStock(db, alert.symbol);
    if (!stock) continue;
    const currentPrice = stock.current_price as number; // PROBLEM 4: trusts the feed blindly

    let shouldTrigger = false;
    if (alert.condition === 'above' && currentPrice >= alert.target_price) shouldTrigger = true;
    else if (alert.condition === 'below' && currentPrice <= alert.target_price) shouldTrigger = true;

    if (shouldTrigger) {
      // PROBLEM 3 (race): between the read above and this write, another
      // check may already have triggered this alert; we do not re-check.
      const triggeredAt = nowTimestamp();
      // PROBLEM 2: one UPDATE/commit per alert, no transaction.
      await db('price_alerts').where({ id: alert.id }).update({ is_triggered: true, triggered_at: triggeredAt });
      triggered.push({ alert: { ...alert, is_triggered: true, triggered_at: triggeredAt }, currentPrice });
    }
  }
  return triggered;
}
