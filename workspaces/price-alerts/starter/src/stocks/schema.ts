import { finiteOrNull, round2 } from '../money';
import { formatTimestamp } from '../time';

/** A row of the `stocks` table. Market data can be incomplete, hence the nulls. */
export interface StockRow {
  id: number;
  symbol: string;
  name: string;
  current_price: number | null;
  previous_close: number | null;
  day_high: number | null;
  day_low: number | null;
  volume: number;
  market_cap: number | null;
  sector: string | null;
  updated_at: string;
}

export interface StockResponse {
  id: number;
  symbol: string;
  name: string;
  current_price: number | null;
  previous_close: number | null;
  day_high: number | null;
  day_low: number | null;
  volume: number;
  market_cap: number | null;
  sector: string | null;
  change: number;
  change_percent: number;
  updated_at: string;
}

export interface PriceChange {
  change: number;
  change_percent: number;
}

/**
 * Change since the previous close, rounded to 2 decimals.
 * Both are 0.0 when the previous close (or the current price) is unusable.
 */
export function calculateChange(stock: Pick<StockRow, 'current_price' | 'previous_close'>): PriceChange {
  const current = finiteOrNull(stock.current_price);
  const previous = finiteOrNull(stock.previous_close);
  if (current === null || previous === null || previous <= 0) return { change: 0, change_percent: 0 };
  const change = round2(current - previous);
  return { change, change_percent: round2((change / previous) * 100) };
}

export function toStockResponse(stock: StockRow): StockResponse {
  return {
    id: stock.id,
    symbol: stock.symbol,
    name: stock.name,
    current_price: finiteOrNull(stock.current_price),
    previous_close: finiteOrNull(stock.previous_close),
    day_high: finiteOrNull(stock.day_high),
    day_low: finiteOrNull(stock.day_low),
    volume: stock.volume,
    market_cap: finiteOrNull(stock.market_cap),
    sector: stock.sector,
    ...calculateChange(stock),
    updated_at: formatTimestamp(stock.updated_at),
  };
}
