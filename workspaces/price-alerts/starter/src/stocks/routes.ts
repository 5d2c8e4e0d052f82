import { Router } from 'express';
import { requireAuth } from '../auth/middleware';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { finiteOrNull } from '../money';
import { queryString } from '../validation';
import { calculateChange, toStockResponse } from './schema';
import { getAllStocks, getStock, searchStocks, simulateAllPrices, simulatePriceChange } from './service';

export function stocksRouter(ctx: AppContext): Router {
  const router = Router();
  const auth = requireAuth(ctx);

  const notFound = (symbol: string) => new HttpError(404, `Stock ${symbol.toUpperCase()} not found`);

  /** GET /stocks -> every stock with its change since the previous close. */
  router.get('/', async (_req, res) => {
    const stocks = await getAllStocks(ctx.db);
    res.json(stocks.map(toStockResponse));
  });

  /** GET /stocks/search?q=apple (registered before /:symbol so "search" is not a symbol). */
  router.get('/search', async (req, res) => {
    const q = queryString(req.query, 'q');
    if (q.length < 1) throw new HttpError(400, 'Search query must be at least 1 character');
    const stocks = await searchStocks(ctx.db, q);
    res.json(
      stocks.map((stock) => ({
        symbol: stock.symbol,
        name: stock.name,
        current_price: finiteOrNull(stock.current_price),
        ...calculateChange(stock),
      })),
    );
  });

  /** POST /stocks/simulate-all -> moves every price (demo helper, requires auth). */
  router.post('/simulate-all', auth, async (_req, res) => {
    const count = await simulateAllPrices(ctx.db);
    res.json({ message: `Simulated price changes for ${count} stocks` });
  });

  /** GET /stocks/:symbol -> full details (symbol is case-insensitive). */
  router.get('/:symbol', async (req, res) => {
    const stock = await getStock(ctx.db, req.params.symbol);
    if (!stock) throw notFound(req.params.symbol);
    res.json(toStockResponse(stock));
  });

  /** GET /stocks/:symbol/quote -> a compact quote. */
  router.get('/:symbol/quote', async (req, res) => {
    const stock = await getStock(ctx.db, req.params.symbol);
    if (!stock) throw notFound(req.params.symbol);
    res.json({ symbol: stock.symbol, price: finiteOrNull(stock.current_price), ...calculateChange(stock) });
  });

  /** POST /stocks/:symbol/simulate -> a random move within +/-2% (demo helper, requires auth). */
  router.post('/:symbol/simulate', auth, async (req, res) => {
    const stock = await simulatePriceChange(ctx.db, req.params.symbol);
    if (!stock) throw notFound(req.params.symbol);
    res.json({ symbol: stock.symbol, new_price: finiteOrNull(stock.current_price), ...calculateChange(stock) });
  });

  return router;
}
