import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WebSocket } from 'ws';
import { gateway, register } from './helpers';

interface Frame {
  type: string;
  channel?: string;
  symbol?: string;
  snapshot?: boolean;
}

/** A client that queues its frames; `next()` waits for the next one. */
async function client(url: string, token: string) {
  const socket = new WebSocket(`${url}?token=${token}`);
  const frames: Frame[] = [];
  const waiting: ((f: Frame) => void)[] = [];
  socket.on('message', (d) => {
    const f = JSON.parse((d as Buffer).toString('utf8')) as Frame;
    const w = waiting.shift();
    if (w) w(f);
    else frames.push(f);
  });
  await new Promise((r) => socket.once('open', r));
  const next = () => {
    const f = frames.shift();
    return f ? Promise.resolve(f) : new Promise<Frame>((r) => waiting.push(r));
  };
  assert.equal((await next()).type, 'welcome');
  return { socket, next, send: (m: unknown) => socket.send(JSON.stringify(m)) };
}

const tick = (seq: number) => JSON.stringify({ symbol: 'NIFTY', price: 21_500 + seq, change: seq, seq, ts: Date.now() });

test('the snapshot goes to the subscriber only, and unsubscribe stops the updates', async () => {
  const { url, ws, hub } = await gateway();
  const token = await register(url, 'erin');
  const a = await client(ws, token);
  const b = await client(ws, token);
  hub.onFeed('market/underlying/NIFTY', tick(1));
  a.send({ action: 'subscribe', type: 'product', symbol: 'NIFTY' });
  assert.equal((await a.next()).type, 'subscribed');
  assert.deepEqual(await a.next().then((f) => [f.type, f.snapshot]), ['underlying_update', true]);

  b.send({ action: 'subscribe', type: 'product', symbol: 'nifty' });
  assert.equal((await b.next()).type, 'subscribed');
  assert.deepEqual(await b.next().then((f) => [f.type, f.snapshot]), ['underlying_update', true]);

  a.send({ action: 'unsubscribe', type: 'product', symbol: 'NIFTY' });
  assert.equal((await a.next()).type, 'unsubscribed');
  hub.onFeed('market/underlying/NIFTY', tick(2));
  assert.deepEqual(await b.next().then((f) => [f.type, f.snapshot]), ['underlying_update', undefined]);
  // Frames arrive in order: had A been sent B's snapshot or the tick, it would come before this.
  a.send({ action: 'subscribe', type: 'product', symbol: 'AAPL' });
  assert.deepEqual(await a.next().then((f) => [f.type, f.channel]), ['subscribed', 'product:AAPL']);
  a.socket.close();
  b.socket.close();
});
