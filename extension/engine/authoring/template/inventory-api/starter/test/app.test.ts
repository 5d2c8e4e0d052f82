import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../src/app';

describe('inventory API', () => {
  let server: Server;
  let base = '';
  before(async () => {
    server = createApp().listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.close();
    server.closeAllConnections();
  });

  it('reports health', async () => {
    const res = await fetch(`${base}/health`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });

  it('answers a known item', async () => {
    const res = await fetch(`${base}/items/1`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { id: 1, name: 'keyboard', stock: 3 });
  });
});
