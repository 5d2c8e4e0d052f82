/**
 * Starts one gateway replica. Env: DATABASE_PATH (shared by the replicas), BROKER_URL, STORE_URL,
 * JWT_SECRET, PORT, REPLICA; RATE_LIMIT (100) per RATE_WINDOW_SECONDS (60); CHAIN_CACHE_SIZE (64),
 * CHAIN_CACHE_TTL_MS (1000).
 */
import { connectBus } from '../../shared/bus';
import { createLogger } from '../../shared/logger';
import { TOPICS, type Chain } from '../../shared/market';
import { attachWebSocket, createApp } from './app';
import { Auth } from './auth';
import { LRUCache } from './cache';
import { openDatabase } from './db';
import { SlidingWindowLimiter } from './rateLimiter';
import { StoreClient } from './storeClient';

const env = (name: string, fallback: string): string => process.env[name] ?? fallback;
const replica = env('REPLICA', '1');
const log = createLogger(`gateway#${replica}`);
const db = openDatabase(env('DATABASE_PATH', 'data/gateway.db'));
const auth = new Auth(db, env('JWT_SECRET', 'dev-secret-change-me'));
const bus = connectBus(env('BROKER_URL', 'tcp://127.0.0.1:1883'), `gateway-${replica}-${process.pid}`);

const { app, hub } = createApp({
  auth,
  store: new StoreClient(env('STORE_URL', 'http://127.0.0.1:4200')),
  cache: new LRUCache<Chain>({ capacity: Number(env('CHAIN_CACHE_SIZE', '64')), ttlMs: Number(env('CHAIN_CACHE_TTL_MS', '1000')) }),
  limiter: new SlidingWindowLimiter(db, {
    limit: Number(env('RATE_LIMIT', '100')),
    windowMs: Number(env('RATE_WINDOW_SECONDS', '60')) * 1000,
  }),
  brokerConnected: () => bus.connected,
  replica,
});

bus.on('connect', () => {
  log.info('connected to the broker');
  bus.subscribe(TOPICS.all, { qos: 0 });
});
bus.on('error', (err) => log.warn(`broker: ${err.message}`));
bus.on('message', (topic, payload) => hub.onFeed(topic, payload.toString()));

const server = app.listen(Number(env('PORT', '4300')), env('HOST', '127.0.0.1'), () => log.info(`gateway replica ${replica} up`));
attachWebSocket(server, hub, auth);

const stop = () => {
  hub.closeAll(1001, 'gateway shutting down');
  server.close();
  bus.end(true);
  db.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
