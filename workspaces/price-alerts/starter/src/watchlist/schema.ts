/**
 * Watchlist schema: the table row, request validation and response mapping.
 *
 * This feature is the worked example for the rest of the codebase: each
 * feature has a `schema.ts` (types + validation + response shape), a
 * `service.ts` (database logic, throws HttpError for business errors) and a
 * `routes.ts` (HTTP wiring only).
 */
import { finiteOrNull } from '../money';
import { calculateChange, type StockRow } from '../stocks/schema';
import { formatTimestamp } from '../time';
import { parseBody, string } from '../validation';

/** A row of the `watchlists` table. */
export interface WatchlistRow {
  id: number;
  user_id: number;
  symbol: string;
  added_at: string;
}

/** POST /watchlist body. `parseBody` throws a 422 RequestValidationError on bad input. */
export function parseWatchlistAdd(body: unknown) {
  return parseBody(body, { symbol: string() });
}

export type WatchlistAdd = ReturnType<typeof parseWatchlistAdd>;

/** The price fields we need from the stock; null when the stock no longer exists. */
export type StockQuote = Pick<StockRow, 'current_price' | 'previous_close'>;

export interface WatchlistResponse {
  id: number;
  symbol: string;
  added_at: string;
  current_price: number | null;
  change: number;
  change_percent: number;
}

/** Builds the JSON returned by every watchlist endpoint. */
export function toWatchlistResponse(item: WatchlistRow, stock: StockQuote | null): WatchlistResponse {
  const { change, change_percent } = stock ? calculateChange(stock) : { change: 0, change_percent: 0 };
  return {
    id: item.id,
    symbol: item.symbol,
    added_at: formatTimestamp(item.added_at),
    current_price: stock ? finiteOrNull(stock.current_price) : null,
    change,
    change_percent,
  };
}
