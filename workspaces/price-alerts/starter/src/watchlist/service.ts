/**
 * Watchlist service: all database access for the feature.
 *
 * Conventions worth copying:
 *  - every function takes the knex instance and the authenticated user, so a
 *    user can only ever see or change their own rows (`where user_id = ...`);
 *  - business errors are thrown as `HttpError(status, detail)` and rendered
 *    as `{"detail": "..."}` by the error middleware;
 *  - lists are read with ONE query that joins the stock prices in, instead of
 *    one extra query per row.
 */
import type { Knex } from 'knex';
import type { User } from '../auth/schema';
import { HttpError } from '../errors';
import { getStock } from '../stocks/service';
import { nowTimestamp } from '../time';
import type { StockQuote, WatchlistAdd, WatchlistRow } from './schema';

/** A watchlist row together with the current quote of its stock (null if the stock is gone). */
export interface WatchlistEntry {
  item: WatchlistRow;
  stock: StockQuote | null;
}

type WatchlistJoinRow = WatchlistRow & {
  stock_id: number | null;
  stock_current_price: number | null;
  stock_previous_close: number | null;
};

function toEntry(row: WatchlistJoinRow): WatchlistEntry {
  const { stock_id, stock_current_price, stock_previous_close, ...item } = row;
  return {
    item,
    stock: stock_id === null ? null : { current_price: stock_current_price, previous_close: stock_previous_close },
  };
}

/** The user's watchlist, newest first, with prices (a single LEFT JOIN query). */
export async function getWatchlist(db: Knex, user: User): Promise<WatchlistEntry[]> {
  const rows = await db('watchlists as w')
    .leftJoin('stocks as s', 's.symbol', 'w.symbol')
    .where('w.user_id', user.id)
    .select<WatchlistJoinRow[]>(
      'w.*',
      's.id as stock_id',
      's.current_price as stock_current_price',
      's.previous_close as stock_previous_close',
    )
    .orderBy([
      { column: 'w.added_at', order: 'desc' },
      { column: 'w.id', order: 'desc' },
    ]);
  return rows.map(toEntry);
}

/**
 * Adds a stock to the user's watchlist.
 *  - the symbol is case-insensitive and stored upper-cased;
 *  - 404 if the stock does not exist, 400 if it is already on the list.
 */
export async function addToWatchlist(db: Knex, user: User, input: WatchlistAdd): Promise<WatchlistEntry> {
  const symbol = input.symbol.toUpperCase();

  const stock = await getStock(db, symbol);
  if (!stock) throw new HttpError(404, `Stock ${symbol} not found`);

  const alreadyThere = new HttpError(400, `${symbol} is already in your watchlist`);
  const existing = await db<WatchlistRow>('watchlists').where({ user_id: user.id, symbol }).first();
  if (existing) throw alreadyThere;

  try {
    // `.returning('*')` gives back the inserted row (supported by better-sqlite3).
    const [item] = await db<WatchlistRow>('watchlists').insert({ user_id: user.id, symbol, added_at: nowTimestamp() }).returning('*');
    return { item, stock };
  } catch (err) {
    // The UNIQUE(user_id, symbol) constraint catches a concurrent duplicate add.
    if ((err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw alreadyThere;
    throw err;
  }
}

/** Removes a stock from the user's watchlist; 404 if it was not on it. */
export async function removeFromWatchlist(db: Knex, user: User, rawSymbol: string): Promise<void> {
  const symbol = rawSymbol.toUpperCase();
  // A single DELETE scoped to the user; the affected-row count tells us if it existed.
  const deleted = await db<WatchlistRow>('watchlists').where({ user_id: user.id, symbol }).delete();
  if (deleted === 0) throw new HttpError(404, `${symbol} is not in your watchlist`);
}
