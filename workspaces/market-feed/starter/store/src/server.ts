/**
 * The history store (provided): subscribes to the feed on the broker and keeps the history in SQLite.
 * The gateway reads chains and prices from it over HTTP.
 *
 *   GET /health                        → {status:"ok", ticks}
 *   GET /underlying/:symbol            → {latest, history}
 *   GET /expiries/:symbol              → {symbol, expiries}
 *   GET /chain/:symbol?expiry=YYYY-MM-DD → the latest chain (404 when there is none yet)
 *
 * Env: BROKER_URL, DATABASE_PATH, PORT.
 */
import express from 'express';
import { connectBus } from '../../shared/bus';
import { createLogger } from '../../shared/logger';
import { product, TOPICS, type Chain, type UnderlyingTick } from '../../shared/market';
import { History } from './store';

const log = createLogger('store');
const history = new History(process.env['DATABASE_PATH'] ?? 'data/store.db');
let received = 0;

const bus = connectBus(process.env['BROKER_URL'] ?? 'tcp://127.0.0.1:1883', `store-${process.pid}`);
bus.on('connect', () => {
  log.info('connected to the broker');
  bus.subscribe(TOPICS.all, { qos: 0 });
});
bus.on('error', (err) => log.warn(`broker: ${err.message}`));
bus.on('message', (topic, payload) => {
  try {
    const msg = JSON.parse(payload.toString()) as unknown;
    if (topic.startsWith('market/underlying/')) history.addTick(msg as UnderlyingTick);
    else if (topic.startsWith('market/chain/')) history.putChain(msg as Chain);
    received += 1;
  } catch (err) {
    log.warn(`bad message on ${topic}: ${(err as Error).message}`);
  }
});
setInterval(() => history.prune(10 * 60_000), 30_000).unref();

const app = express();
app.get('/health', (_req, res) => {
  res.json({ status: 'ok', received });
});
app.use('/:kind/:symbol', (req, res, next) => {
  if (!product(req.params['symbol'] ?? '')) {
    res.status(404).json({ error: `unknown symbol "${req.params['symbol']}"` });
    return;
  }
  next();
});
app.get('/underlying/:symbol', (req, res) => {
  res.json({ symbol: req.params.symbol.toUpperCase(), ...history.underlying(req.params.symbol.toUpperCase()) });
});
app.get('/expiries/:symbol', (req, res) => {
  res.json({ symbol: req.params.symbol.toUpperCase(), expiries: history.expiries(req.params.symbol.toUpperCase()) });
});
app.get('/chain/:symbol', (req, res) => {
  const expiry = typeof req.query['expiry'] === 'string' && req.query['expiry'] ? req.query['expiry'] : undefined;
  const chain = history.chain(req.params.symbol.toUpperCase(), expiry);
  if (!chain) {
    res.status(404).json({ error: `no chain for ${req.params.symbol.toUpperCase()}${expiry ? ` expiring ${expiry}` : ''} yet` });
    return;
  }
  res.json(chain);
});

const server = app.listen(Number(process.env['PORT'] ?? 4200), process.env['HOST'] ?? '127.0.0.1', () => log.info('store up'));
const stop = () => {
  server.close();
  bus.end(true);
  history.db.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
