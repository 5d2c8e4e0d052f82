import { round2 } from '../money';

/** One holding valued at the current market price. */
export interface HoldingResponse {
  id: number;
  symbol: string;
  quantity: number;
  average_buy_price: number;
  current_price: number;
  current_value: number;
  total_gain_loss: number;
  gain_loss_percent: number;
}

export interface PortfolioResponse {
  cash_balance: number;
  total_holdings_value: number;
  total_portfolio_value: number;
  total_gain_loss: number;
  holdings: HoldingResponse[];
}

/** Unrounded valuation of a holding, used for both the response and the totals. */
export interface HoldingValuation {
  id: number;
  symbol: string;
  quantity: number;
  averageBuyPrice: number;
  currentPrice: number;
  currentValue: number;
  costBasis: number;
  gainLoss: number;
  gainLossPercent: number;
}

export function toHoldingResponse(holding: HoldingValuation): HoldingResponse {
  return {
    id: holding.id,
    symbol: holding.symbol,
    quantity: holding.quantity,
    average_buy_price: round2(holding.averageBuyPrice),
    current_price: round2(holding.currentPrice),
    current_value: round2(holding.currentValue),
    total_gain_loss: round2(holding.gainLoss),
    gain_loss_percent: round2(holding.gainLossPercent),
  };
}
