import type { Knex } from 'knex';
import { nowTimestamp } from '../time';

export interface StockSeed {
  symbol: string;
  name: string;
  current_price: number;
  previous_close: number;
  day_high: number;
  day_low: number;
  volume: number;
  market_cap: number;
  sector: string;
}

/** The market: fifteen well-known stocks with a snapshot of their prices. */
export const STOCKS: readonly StockSeed[] = [
  {
    symbol: 'AAPL',
    name: 'Apple Inc.',
    current_price: 178.5,
    previous_close: 176.25,
    day_high: 180.0,
    day_low: 175.5,
    volume: 45000000,
    market_cap: 2800000000000,
    sector: 'Technology',
  },
  {
    symbol: 'GOOGL',
    name: 'Alphabet Inc.',
    current_price: 141.25,
    previous_close: 139.8,
    day_high: 143.0,
    day_low: 138.5,
    volume: 22000000,
    market_cap: 1750000000000,
    sector: 'Technology',
  },
  {
    symbol: 'MSFT',
    name: 'Microsoft Corporation',
    current_price: 378.9,
    previous_close: 375.0,
    day_high: 382.0,
    day_low: 374.0,
    volume: 18000000,
    market_cap: 2810000000000,
    sector: 'Technology',
  },
  {
    symbol: 'AMZN',
    name: 'Amazon.com Inc.',
    current_price: 178.75,
    previous_close: 180.0,
    day_high: 181.5,
    day_low: 176.0,
    volume: 35000000,
    market_cap: 1850000000000,
    sector: 'Consumer Cyclical',
  },
  {
    symbol: 'TSLA',
    name: 'Tesla Inc.',
    current_price: 248.5,
    previous_close: 252.0,
    day_high: 255.0,
    day_low: 245.0,
    volume: 80000000,
    market_cap: 790000000000,
    sector: 'Automotive',
  },
  {
    symbol: 'META',
    name: 'Meta Platforms Inc.',
    current_price: 505.25,
    previous_close: 500.0,
    day_high: 510.0,
    day_low: 498.0,
    volume: 15000000,
    market_cap: 1300000000000,
    sector: 'Technology',
  },
  {
    symbol: 'NVDA',
    name: 'NVIDIA Corporation',
    current_price: 875.3,
    previous_close: 860.0,
    day_high: 890.0,
    day_low: 855.0,
    volume: 40000000,
    market_cap: 2160000000000,
    sector: 'Technology',
  },
  {
    symbol: 'JPM',
    name: 'JPMorgan Chase & Co.',
    current_price: 198.45,
    previous_close: 196.0,
    day_high: 200.0,
    day_low: 195.0,
    volume: 8000000,
    market_cap: 570000000000,
    sector: 'Financial Services',
  },
  {
    symbol: 'V',
    name: 'Visa Inc.',
    current_price: 279.8,
    previous_close: 278.0,
    day_high: 282.0,
    day_low: 276.5,
    volume: 6000000,
    market_cap: 575000000000,
    sector: 'Financial Services',
  },
  {
    symbol: 'JNJ',
    name: 'Johnson & Johnson',
    current_price: 156.3,
    previous_close: 157.5,
    day_high: 158.0,
    day_low: 155.0,
    volume: 5000000,
    market_cap: 375000000000,
    sector: 'Healthcare',
  },
  {
    symbol: 'WMT',
    name: 'Walmart Inc.',
    current_price: 165.2,
    previous_close: 164.0,
    day_high: 166.5,
    day_low: 163.0,
    volume: 7000000,
    market_cap: 445000000000,
    sector: 'Consumer Defensive',
  },
  {
    symbol: 'PG',
    name: 'Procter & Gamble Co.',
    current_price: 158.75,
    previous_close: 159.0,
    day_high: 160.0,
    day_low: 157.5,
    volume: 4500000,
    market_cap: 375000000000,
    sector: 'Consumer Defensive',
  },
  {
    symbol: 'DIS',
    name: 'The Walt Disney Company',
    current_price: 112.4,
    previous_close: 110.0,
    day_high: 114.0,
    day_low: 109.5,
    volume: 12000000,
    market_cap: 205000000000,
    sector: 'Communication Services',
  },
  {
    symbol: 'NFLX',
    name: 'Netflix Inc.',
    current_price: 628.5,
    previous_close: 620.0,
    day_high: 635.0,
    day_low: 615.0,
    volume: 5500000,
    market_cap: 275000000000,
    sector: 'Communication Services',
  },
  {
    symbol: 'AMD',
    name: 'Advanced Micro Devices',
    current_price: 178.9,
    previous_close: 175.0,
    day_high: 182.0,
    day_low: 173.5,
    volume: 50000000,
    market_cap: 290000000000,
    sector: 'Technology',
  },
];

/**
 * Inserts any seed stock that is missing. Existing rows (and their current
 * prices) are left untouched, so this is safe to run on every start.
 * Returns the number of stocks inserted.
 */
export async function seedStocks(db: Knex): Promise<number> {
  const now = nowTimestamp();
  const inserted = await db('stocks')
    .insert(STOCKS.map((stock) => ({ ...stock, updated_at: now })))
    .onConflict('symbol')
    .ignore()
    .returning('id');
  return inserted.length;
}
