import type { Knex } from 'knex';
import type { User } from '../auth/schema';
import { finiteOrNull } from '../money';
import type { HoldingRow } from '../trading/schema';
import type { HoldingValuation } from './schema';

type HoldingWithPrice = HoldingRow & { stock_price: unknown };

/** Values holdings at the current price (falling back to the buy price if the stock has none). */
function value(row: HoldingWithPrice): HoldingValuation {
  const currentPrice = finiteOrNull(row.stock_price) ?? row.average_buy_price;
  const currentValue = row.quantity * currentPrice;
  const costBasis = row.quantity * row.average_buy_price;
  const gainLoss = currentValue - costBasis;
  return {
    id: row.id,
    symbol: row.symbol,
    quantity: row.quantity,
    averageBuyPrice: row.average_buy_price,
    currentPrice,
    currentValue,
    costBasis,
    gainLoss,
    gainLossPercent: costBasis > 0 ? (gainLoss / costBasis) * 100 : 0,
  };
}

/** The user's holdings (optionally one symbol), joined with current prices in a single query. */
export async function getHoldings(db: Knex, user: User, symbol?: string): Promise<HoldingValuation[]> {
  const query = db('portfolio_holdings as h')
    .leftJoin('stocks as s', 's.symbol', 'h.symbol')
    .where('h.user_id', user.id)
    .select<HoldingWithPrice[]>('h.*', 's.current_price as stock_price')
    .orderBy('h.id');
  if (symbol !== undefined) query.andWhere('h.symbol', symbol.toUpperCase());
  const rows = await query;
  return rows.map(value);
}
