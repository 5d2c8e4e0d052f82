/**
 * Price Alerts service — TODO(candidate): implement every function below.
 *
 * Follow the watchlist feature (src/watchlist/service.ts) for the patterns:
 * knex queries scoped to the user, `HttpError` for business errors,
 * `nowTimestamp()` for timestamps and `.returning('*')` to read back rows.
 *
 * The parameters are prefixed with `_` only so the stubs type-check; rename
 * them when you use them.
 */
import type { Knex } from 'knex';
import type { User } from '../auth/schema';
import { NotImplementedError } from '../errors';
import type { PriceAlertCreate, PriceAlertRow } from './schema';

/** An alert together with its stock's current price (null if unavailable). */
export interface AlertWithPrice {
  alert: PriceAlertRow;
  currentPrice: number | null;
}

/**
 * Creates a price alert for `user`.
 *
 * Requirements:
 *  - the symbol is case-insensitive: store it upper-cased;
 *  - 404 `Stock {SYMBOL} not found` if the stock does not exist;
 *  - new alerts start with is_triggered = false, is_active = true,
 *    created_at = now and triggered_at = null;
 *  - return the stored alert plus the stock's current price.
 *
 * Hint: `getStock()` in src/stocks/service.ts looks a stock up by symbol.
 */
export async function createAlert(_db: Knex, _user: User, _input: PriceAlertCreate): Promise<AlertWithPrice> {
  // TODO(candidate): implement
  throw new NotImplementedError('createAlert');
}

/**
 * Lists the user's alerts, newest first, each with its stock's current price.
 *
 * Requirements:
 *  - only the user's own alerts;
 *  - `activeOnly` keeps alerts that are active AND not yet triggered.
 */
export async function getAlerts(_db: Knex, _user: User, _options: { activeOnly: boolean }): Promise<AlertWithPrice[]> {
  // TODO(candidate): implement
  throw new NotImplementedError('getAlerts');
}

/**
 * Returns one of the user's alerts.
 *
 * Requirements:
 *  - 404 `Alert not found` if it does not exist OR belongs to another user.
 */
export async function getAlert(_db: Knex, _user: User, _alertId: number): Promise<AlertWithPrice> {
  // TODO(candidate): implement
  throw new NotImplementedError('getAlert');
}

/**
 * Deletes one of the user's alerts.
 *
 * Requirements:
 *  - 404 `Alert not found` if it does not exist OR belongs to another user.
 */
export async function deleteAlert(_db: Knex, _user: User, _alertId: number): Promise<void> {
  // TODO(candidate): implement
  throw new NotImplementedError('deleteAlert');
}

/**
 * Checks the user's active, not-yet-triggered alerts against current prices
 * and triggers the ones whose condition is met.
 *
 * Requirements:
 *  - "above" triggers when current_price >= target_price;
 *  - "below" triggers when current_price <= target_price;
 *  - a triggered alert gets is_triggered = true and triggered_at = now
 *    (is_active stays true);
 *  - an alert triggers only once: later checks must not return it again;
 *  - return only the alerts triggered by THIS call (an empty list if none),
 *    each with the price that triggered it.
 */
export async function checkAndTriggerAlerts(_db: Knex, _user: User): Promise<AlertWithPrice[]> {
  // TODO(candidate): implement
  throw new NotImplementedError('checkAndTriggerAlerts');
}
