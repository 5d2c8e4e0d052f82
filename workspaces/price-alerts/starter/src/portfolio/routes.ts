import { Router } from 'express';
import { currentUser, requireAuth } from '../auth/middleware';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { round2 } from '../money';
import { toHoldingResponse, type PortfolioResponse } from './schema';
import { getHoldings } from './service';

export function portfolioRouter(ctx: AppContext): Router {
  const router = Router();
  const auth = requireAuth(ctx);

  /** GET /portfolio -> cash, holdings and totals. */
  router.get('/', auth, async (req, res) => {
    const user = currentUser(req);
    const holdings = await getHoldings(ctx.db, user);
    let totalHoldingsValue = 0;
    let totalCostBasis = 0;
    for (const holding of holdings) {
      totalHoldingsValue += holding.currentValue;
      totalCostBasis += holding.costBasis;
    }
    const body: PortfolioResponse = {
      cash_balance: round2(user.balance),
      total_holdings_value: round2(totalHoldingsValue),
      total_portfolio_value: round2(user.balance + totalHoldingsValue),
      total_gain_loss: round2(totalHoldingsValue - totalCostBasis),
      holdings: holdings.map(toHoldingResponse),
    };
    res.json(body);
  });

  /** GET /portfolio/holdings */
  router.get('/holdings', auth, async (req, res) => {
    const holdings = await getHoldings(ctx.db, currentUser(req));
    res.json(holdings.map(toHoldingResponse));
  });

  /** GET /portfolio/holdings/:symbol -> one holding or 404. */
  router.get('/holdings/:symbol', auth, async (req, res) => {
    const symbol = req.params.symbol.toUpperCase();
    const [holding] = await getHoldings(ctx.db, currentUser(req), symbol);
    if (!holding) throw new HttpError(404, `No holding found for ${symbol}`);
    res.json(toHoldingResponse(holding));
  });

  /** GET /portfolio/balance */
  router.get('/balance', auth, (req, res) => {
    res.json({ balance: round2(currentUser(req).balance), currency: 'USD' });
  });

  return router;
}
