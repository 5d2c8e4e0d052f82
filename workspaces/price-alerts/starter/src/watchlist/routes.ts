/**
 * Watchlist routes: HTTP wiring only. Each handler
 *   1. validates the request (422 on bad input),
 *   2. calls the service with the authenticated user,
 *   3. maps the result to the response shape.
 * Express 5 forwards errors thrown by async handlers to the error middleware,
 * so there is no try/catch here.
 */
import { Router } from 'express';
import { currentUser, requireAuth } from '../auth/middleware';
import type { AppContext } from '../context';
import { parseWatchlistAdd, toWatchlistResponse } from './schema';
import { addToWatchlist, getWatchlist, removeFromWatchlist } from './service';

export function watchlistRouter(ctx: AppContext): Router {
  const router = Router();
  // 401 without a valid bearer token; afterwards `currentUser(req)` is the caller.
  const auth = requireAuth(ctx);

  /** GET /watchlist -> the user's watchlist, newest first. */
  router.get('/', auth, async (req, res) => {
    const entries = await getWatchlist(ctx.db, currentUser(req));
    res.json(entries.map(({ item, stock }) => toWatchlistResponse(item, stock)));
  });

  /** POST /watchlist {"symbol": "AAPL"} -> 201 the new entry. */
  router.post('/', auth, async (req, res) => {
    const input = parseWatchlistAdd(req.body);
    const { item, stock } = await addToWatchlist(ctx.db, currentUser(req), input);
    res.status(201).json(toWatchlistResponse(item, stock));
  });

  /** DELETE /watchlist/:symbol -> 204 No Content. */
  router.delete('/:symbol', auth, async (req, res) => {
    await removeFromWatchlist(ctx.db, currentUser(req), req.params.symbol);
    res.status(204).end();
  });

  return router;
}
