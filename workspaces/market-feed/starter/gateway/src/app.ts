/**
 * The gateway's HTTP API and WebSocket endpoint (provided wiring; the tasks live in rateLimiter.ts,
 * cache.ts, health.ts and fanout.ts). See the README for the contract.
 */
import * as fs from 'node:fs';
import type { Server } from 'node:http';
import * as path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import { WebSocketServer } from 'ws';
import { maxPain, pcr, PRODUCTS, product, SYMBOLS, type Chain } from '../../shared/market';
import { type Auth, AuthError, authRoutes, requireUser } from './auth';
import type { LRUCache } from './cache';
import { healthRoutes } from './health';
import { Hub } from './hub';
import { rateLimit, type SlidingWindowLimiter } from './rateLimiter';
import { type StoreClient, StoreError } from './storeClient';

export interface GatewayDeps {
  auth: Auth;
  store: StoreClient;
  cache: LRUCache<Chain>;
  limiter: SlidingWindowLimiter;
  brokerConnected(): boolean;
  replica?: string;
}

/** Largest WebSocket frame a client may send (bigger ones close the socket with 1009). */
export const MAX_FRAME_BYTES = 64 * 1024;

const LIVE_PAGE = path.join(__dirname, '..', 'public', 'live.html');

export function createApp(deps: GatewayDeps): { app: express.Express; hub: Hub } {
  const { store, cache } = deps;

  /** A chain through the cache (key: symbol and expiry). */
  const chainOf = async (symbol: string, expiry: string | undefined, res?: Response): Promise<Chain> => {
    const key = `chain:${symbol}:${expiry ?? ''}`;
    const hit = cache.get(key);
    res?.setHeader('X-Cache', hit ? 'HIT' : 'MISS');
    if (hit) return hit;
    const chain = await store.chain(symbol, expiry);
    cache.set(key, chain);
    return chain;
  };

  const hub = new Hub({
    loadChain: (symbol) => chainOf(symbol, undefined).catch(() => null),
    loadUnderlying: async (symbol) => (await store.underlying(symbol)).latest,
  });

  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    if (deps.replica) res.setHeader('X-Replica', deps.replica);
    next();
  });
  app.use(express.json({ limit: '100kb' }));
  app.use(healthRoutes({ checkStore: async (ms) => void (await store.health(ms)), brokerConnected: () => deps.brokerConnected() }));
  app.get(['/', '/live'], (_req, res) => {
    res.type('html').send(fs.readFileSync(LIVE_PAGE, 'utf8'));
  });
  app.get('/stats', (_req, res) => {
    res.json({ replica: deps.replica ?? null, hub: hub.stats(), cache: cache.stats() });
  });
  app.use('/api/auth', authRoutes(deps.auth));

  const limited = [requireUser(deps.auth), rateLimit(deps.limiter)];
  const symbolOf = (req: Request): string => {
    const p = product(String(req.params['p'] ?? ''));
    if (!p) throw new AuthError(404, `unknown symbol "${String(req.params['p'])}"; known: ${SYMBOLS.join(', ')}`);
    return p.symbol;
  };
  const expiryOf = (req: Request): string | undefined => {
    const e = req.query['expiry'];
    if (e === undefined || e === '') return undefined;
    if (typeof e !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(e)) throw new AuthError(400, 'expiry must be a date like 2026-01-29');
    return e;
  };
  const route =
    (fn: (req: Request, res: Response) => Promise<unknown>) =>
    (req: Request, res: Response, next: NextFunction): void => {
      fn(req, res)
        .then((body) => res.json(body))
        .catch(next);
    };

  const data = express.Router();
  data.get(
    '/products',
    route(async () => ({
      products: PRODUCTS.map((p) => ({ symbol: p.symbol, spot: hub.latest(p.symbol)?.price ?? p.spot, step: p.step })),
    })),
  );
  data.get(
    '/underlying/:p',
    route(async (req) => store.underlying(symbolOf(req))),
  );
  data.get(
    '/expiries/:p',
    route(async (req) => store.expiries(symbolOf(req))),
  );
  data.get(
    '/chain/:p',
    route(async (req, res) => chainOf(symbolOf(req), expiryOf(req), res)),
  );
  app.use('/api/data', ...limited, data);

  const analytics = express.Router();
  analytics.get(
    '/pcr/:p',
    route(async (req, res) => {
      const chain = await chainOf(symbolOf(req), expiryOf(req), res);
      const sum = (type: 'CE' | 'PE') => chain.options.filter((o) => o.type === type).reduce((s, o) => s + o.oi, 0);
      return {
        symbol: chain.symbol,
        expiry: chain.expiry,
        seq: chain.seq,
        pcr: pcr(chain.options),
        calls_oi: sum('CE'),
        puts_oi: sum('PE'),
      };
    }),
  );
  analytics.get(
    '/max-pain/:p',
    route(async (req, res) => {
      const chain = await chainOf(symbolOf(req), expiryOf(req), res);
      const mp = maxPain(chain.options);
      return {
        symbol: chain.symbol,
        expiry: chain.expiry,
        seq: chain.seq,
        spot: chain.spot,
        max_pain: mp?.strike ?? null,
        payout: mp?.payout ?? null,
      };
    }),
  );
  app.use('/api/analytics', ...limited, analytics);

  app.use((req, res) => {
    res.status(404).json({ error: `no route ${req.method} ${req.path}` });
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof AuthError || err instanceof StoreError) {
      res.status(err.status).json({ error: err.message });
      return;
    }
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.parse.failed') res.status(400).json({ error: `malformed JSON body: ${e.message ?? ''}` });
    else if (e.type === 'entity.too.large') res.status(413).json({ error: 'request body too large (limit 100 kB)' });
    else res.status(500).json({ error: 'internal error' });
  });
  return { app, hub };
}

/** Serves WebSocket clients on `/ws?token=<access token>`. */
export function attachWebSocket(server: Server, hub: Hub, auth: Auth): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    if (url.pathname !== '/ws') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      try {
        hub.add(ws, auth.verify(url.searchParams.get('token')), req);
      } catch (err) {
        const message = err instanceof AuthError ? err.message : 'unauthorized';
        ws.send(JSON.stringify({ type: 'error', error: message }));
        ws.close(4401, message);
      }
    });
  });
  return wss;
}
