/** Test fixtures: the gateway's app on port 0 over an in-memory database. */
import type { AddressInfo } from 'node:net';
import { after } from 'node:test';
import { attachWebSocket, createApp } from '../gateway/src/app';
import { Auth } from '../gateway/src/auth';
import { LRUCache } from '../gateway/src/cache';
import type { Hub } from '../gateway/src/hub';
import { openDatabase } from '../gateway/src/db';
import { SlidingWindowLimiter } from '../gateway/src/rateLimiter';
import { StoreClient } from '../gateway/src/storeClient';
import type { Chain } from '../shared/market';

/** A gateway with no store behind it (STORE_URL points at a closed port). */
export async function gateway(opts: { limit?: number } = {}): Promise<{ url: string; ws: string; hub: Hub }> {
  const db = openDatabase(':memory:');
  const auth = new Auth(db, 'test-secret');
  const { app, hub } = createApp({
    auth,
    store: new StoreClient('http://127.0.0.1:9', 500),
    cache: new LRUCache<Chain>({ capacity: 8, ttlMs: 1000 }),
    limiter: new SlidingWindowLimiter(db, { limit: opts.limit ?? 100, windowMs: 60_000 }),
    brokerConnected: () => false,
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const wss = attachWebSocket(server, hub, auth);
  after(() => {
    hub.closeAll(1001, 'test over');
    wss.close();
    server.closeAllConnections();
    server.close();
    db.close();
  });
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, ws: `ws://127.0.0.1:${port}/ws`, hub };
}

export async function register(url: string, username: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'secret1' }),
  });
  return ((await res.json()) as { token: string }).token;
}
