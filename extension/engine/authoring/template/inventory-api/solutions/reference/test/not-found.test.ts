import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createApp } from '../src/app';

test('unknown items answer 404', async () => {
  const server = createApp().listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/items/999`);
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { detail: 'item not found' });
  } finally {
    server.close();
    server.closeAllConnections();
  }
});
