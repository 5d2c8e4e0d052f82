import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WebSocket } from 'ws';
import { gateway, register } from './helpers';

test('register, duplicate, login', async () => {
  const { url } = await gateway();
  const post = (path: string, body: unknown) =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const r = await post('/api/auth/register', { username: 'alice', password: 'secret1' });
  assert.equal(r.status, 201);
  const body = (await r.json()) as { message: string; token: string; user: { username: string } };
  assert.equal(body.user.username, 'alice');
  assert.equal((await post('/api/auth/register', { username: 'alice', password: 'secret1' })).status, 409);
  assert.equal((await post('/api/auth/register', { username: 'bob', password: '123' })).status, 400);
  assert.equal((await post('/api/auth/login', { username: 'alice', password: 'nope12' })).status, 401);
  assert.equal((await post('/api/auth/login', { username: 'alice', password: 'secret1' })).status, 200);
});

test('data routes need a token', async () => {
  const { url } = await gateway();
  assert.equal((await fetch(`${url}/api/data/products`)).status, 401);
  const token = await register(url, 'carol');
  const r = await fetch(`${url}/api/data/products`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(r.status, 200);
  assert.equal(((await r.json()) as { products: unknown[] }).products.length, 8);
});

test('a bad WebSocket frame gets an error frame, and the socket stays open', async () => {
  const { url, ws } = await gateway();
  const token = await register(url, 'dave');
  const socket = new WebSocket(`${ws}?token=${token}`);
  const frames: { type: string; error?: string }[] = [];
  socket.on('message', (d) => frames.push(JSON.parse((d as Buffer).toString('utf8')) as { type: string }));
  await new Promise((r) => socket.once('open', r));
  socket.send('{nope');
  socket.send(JSON.stringify({ action: 'subscribe', type: 'product', symbol: 'NOPE' }));
  while (frames.filter((f) => f.type === 'error').length < 2) await new Promise((r) => socket.once('message', r));
  assert.equal(socket.readyState, WebSocket.OPEN);
  assert.match(frames.filter((f) => f.type === 'error')[1]?.error ?? '', /NOPE/);
  socket.close();
});
