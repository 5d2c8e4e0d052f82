/**
 * The market feed (provided): a seeded random walk for every product, published to the broker.
 * Every tick it publishes each product's underlying price (market/underlying/<SYMBOL>) and its option
 * chains, one per expiry (market/chain/<SYMBOL>).
 *
 * Env: BROKER_URL, SEED (default 42), DATABASE_PATH (its settings: `ticks_per_second`, default 1),
 * PORT. GET /health, GET /stats.
 */
import * as http from 'node:http';
import { connectBus } from '../../shared/bus';
import { createLogger } from '../../shared/logger';
import { expiries, makeChain, PRODUCTS, seededRandom, TOPICS, type UnderlyingTick } from '../../shared/market';
import { Settings } from '../../shared/settings';

const log = createLogger('feed');
const settings = new Settings(process.env['DATABASE_PATH'] ?? 'data/feed.db', {
  ticks_per_second: Number(process.env['TICKS_PER_SECOND'] ?? 1),
});
const rnd = seededRandom(Number(process.env['SEED'] ?? 42));
const prices = new Map(PRODUCTS.map((p) => [p.symbol, p.spot]));
let seq = 0;
let published = 0;

const bus = connectBus(process.env['BROKER_URL'] ?? 'tcp://127.0.0.1:1883', `feed-${process.pid}`);
bus.on('connect', () => log.info('connected to the broker'));
bus.on('error', (err) => log.warn(`broker: ${err.message}`));

function tick(): void {
  if (!bus.connected) return;
  seq += 1;
  const ts = Date.now();
  const dates = expiries(new Date(ts));
  for (const p of PRODUCTS) {
    const before = prices.get(p.symbol) ?? p.spot;
    // A random walk of at most ±0.1% a tick, kept within ±10% of the opening spot.
    const next = Math.min(p.spot * 1.1, Math.max(p.spot * 0.9, before * (1 + (rnd() - 0.5) * 0.002)));
    const price = Math.round(next * 100) / 100;
    prices.set(p.symbol, price);
    const u: UnderlyingTick = { symbol: p.symbol, price, change: Math.round((price - p.spot) * 100) / 100, seq, ts };
    bus.publish(TOPICS.underlying(p.symbol), JSON.stringify(u));
    for (const expiry of dates) bus.publish(TOPICS.chain(p.symbol), JSON.stringify(makeChain(p, price, expiry, seq, ts, rnd)));
    published += 1 + dates.length;
  }
}

let timer: NodeJS.Timeout | undefined;
function schedule(): void {
  clearInterval(timer);
  const rate = Math.max(0.1, settings.get('ticks_per_second'));
  timer = setInterval(tick, Math.round(1000 / rate));
  log.info(`${rate} tick(s) a second`);
}
schedule();
settings.watch((changed) => {
  if (changed.includes('ticks_per_second')) schedule();
});

const server = http.createServer((req, res) => {
  const body = req.url === '/stats' ? { seq, published, ticksPerSecond: settings.get('ticks_per_second') } : { status: 'ok' };
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
});
server.listen(Number(process.env['PORT'] ?? 4100), process.env['HOST'] ?? '127.0.0.1', () => log.info('feed up'));

const stop = () => {
  clearInterval(timer);
  server.close();
  bus.end(true);
  settings.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
