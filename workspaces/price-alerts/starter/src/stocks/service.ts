import { randomInt } from 'node:crypto';
import type { Knex } from 'knex';
import { finiteOrNull, round2 } from '../money';
import { nowTimestamp } from '../time';
import type { StockRow } from './schema';

/** Looks a stock up by symbol (case-insensitive). */
export async function getStock(db: Knex, symbol: string): Promise<StockRow | undefined> {
  return db<StockRow>('stocks').where({ symbol: symbol.toUpperCase() }).first();
}

export async function getAllStocks(db: Knex): Promise<StockRow[]> {
  return db<StockRow>('stocks').select('*').orderBy('id');
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** Stocks whose symbol contains the (upper-cased) query or whose name contains it, ignoring case. */
export async function searchStocks(db: Knex, query: string): Promise<StockRow[]> {
  const pattern = `%${escapeLike(query.toUpperCase())}%`;
  return db<StockRow>('stocks')
    .whereRaw("symbol LIKE ? ESCAPE '\\'", [pattern])
    .orWhereRaw("name LIKE ? ESCAPE '\\'", [pattern])
    .orderBy('id');
}

/** Moves a price by a random amount within +/-2% and updates the day's range and volume. */
function simulatedUpdate(stock: StockRow): Partial<StockRow> {
  const now = nowTimestamp();
  const volume = (finiteOrNull(stock.volume) ?? 0) + randomInt(1000, 100001);
  const price = finiteOrNull(stock.current_price);
  if (price === null) return { volume, updated_at: now }; // nothing sensible to move
  let newPrice = round2(price * (1 + (Math.random() * 0.04 - 0.02)));
  // Rounding to cents must not push the move past the 2% band.
  if (Math.abs(newPrice - price) / Math.abs(price) > 0.02) newPrice = round2(newPrice + (newPrice > price ? -0.01 : 0.01));
  return {
    current_price: newPrice,
    day_high: Math.max(stock.day_high || newPrice, newPrice),
    day_low: Math.min(stock.day_low || newPrice, newPrice),
    volume,
    updated_at: now,
  };
}

/** Simulates a price move for one stock; undefined if it does not exist. */
export async function simulatePriceChange(db: Knex, symbol: string): Promise<StockRow | undefined> {
  return db.transaction(async (trx) => {
    const stock = await trx<StockRow>('stocks').where({ symbol: symbol.toUpperCase() }).first();
    if (!stock) return undefined;
    const update = simulatedUpdate(stock);
    await trx<StockRow>('stocks').where({ id: stock.id }).update(update);
    return { ...stock, ...update };
  });
}

/** Simulates a price move for every stock; returns how many stocks there are. */
export async function simulateAllPrices(db: Knex): Promise<number> {
  return db.transaction(async (trx) => {
    const stocks = await trx<StockRow>('stocks').select('*');
    for (const stock of stocks) {
      await trx<StockRow>('stocks').where({ id: stock.id }).update(simulatedUpdate(stock));
    }
    return stocks.length;
  });
}
