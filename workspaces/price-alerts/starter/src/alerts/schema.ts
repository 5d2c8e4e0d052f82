/**
 * PROVIDED: Price Alerts schema — the table row type, request validation and
 * the response shape. You should not need to change this file.
 *
 * The `price_alerts` table is created by src/db/migrations/002_price_alerts.ts.
 */
import { finiteOrNull } from '../money';
import { formatTimestamp } from '../time';
import { float, parseBody, pathInt, queryBool, string, validated, ValueError } from '../validation';

export const ALERT_CONDITIONS = ['above', 'below'] as const;
export type AlertCondition = (typeof ALERT_CONDITIONS)[number];

/**
 * A row of the `price_alerts` table.
 * SQLite has no boolean type: `is_triggered` / `is_active` come back as 0 or 1.
 */
export interface PriceAlertRow {
  id: number;
  user_id: number;
  symbol: string;
  target_price: number;
  condition: AlertCondition;
  is_triggered: number | boolean;
  is_active: number | boolean;
  /** Timestamp text, see src/time.ts (`nowTimestamp()`). */
  created_at: string;
  triggered_at: string | null;
}

/**
 * POST /alerts body: `{ symbol, target_price, condition }`.
 *  - `condition` is case-insensitive and normalised to lower case;
 *    anything but "above"/"below" -> 422.
 *  - `target_price` must be greater than 0, otherwise -> 422.
 * Throws a RequestValidationError (rendered as 422) on invalid input.
 */
export function parsePriceAlertCreate(body: unknown) {
  return parseBody(body, {
    symbol: string(),
    target_price: validated(float(), (price) => {
      if (price <= 0) throw new ValueError('target_price must be greater than 0');
      return price;
    }),
    condition: validated(string(), (value): AlertCondition => {
      const condition = ALERT_CONDITIONS.find((option) => option === value.toLowerCase());
      if (condition === undefined) throw new ValueError('condition must be "above" or "below"');
      return condition;
    }),
  });
}

export type PriceAlertCreate = ReturnType<typeof parsePriceAlertCreate>;

/** GET /alerts query: `?active_only=true|false` (default false; 422 for anything else). */
export function parseAlertFilters(query: unknown): { activeOnly: boolean } {
  return { activeOnly: queryBool(query, 'active_only', false) };
}

/** The `:alert_id` path parameter; 422 if it is not an integer. */
export function parseAlertId(value: string | undefined): number {
  return pathInt(value, 'alert_id');
}

/** The JSON shape returned by every alert endpoint. */
export interface PriceAlertResponse {
  id: number;
  symbol: string;
  target_price: number;
  condition: AlertCondition;
  is_triggered: boolean;
  is_active: boolean;
  created_at: string;
  triggered_at: string | null;
  /** The stock's current price, or null when it is unavailable. */
  current_price: number | null;
}

/**
 * Maps a row (plus the stock's current price, if known) to the response JSON.
 * Non-numeric prices (null, NaN, ...) are rendered as null.
 */
export function toAlertResponse(row: PriceAlertRow, currentPrice: number | null): PriceAlertResponse {
  return {
    id: row.id,
    symbol: row.symbol,
    target_price: row.target_price,
    condition: row.condition,
    is_triggered: Boolean(row.is_triggered),
    is_active: Boolean(row.is_active),
    created_at: formatTimestamp(row.created_at),
    triggered_at: formatTimestamp(row.triggered_at),
    current_price: finiteOrNull(currentPrice),
  };
}
