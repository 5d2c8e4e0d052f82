import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { isReserve, startFaultProxy, type FaultProxy } from './faults';
import {
  startInventory,
  startOrders,
  useSystem,
  type DatabaseService,
  type ErrorJson,
  type OrderJson,
  type ProductJson,
  type ReservationJson,
} from './helpers';

describe('idempotent reservations (inventory service)', () => {
  const system = useSystem();

  it('takes the stock once for a repeated Idempotency-Key and answers the recorded reservation', async () => {
    const headers = { 'Idempotency-Key': randomUUID() };
    const first = await system.inventory.post<ReservationJson>('/api/products/1/reserve', { quantity: 4 }, headers);
    await system.inventory.post('/api/products/1/reserve', { quantity: 1 }); // someone else's reservation in between
    const second = await system.inventory.post<ReservationJson>('/api/products/1/reserve', { quantity: 4 }, headers);
    assert.equal(first.status, 200);
    assert.equal(second.status, 200);
    assert.deepEqual(second.body, first.body);
    assert.deepEqual(first.body, { product_id: 1, quantity: 4, remaining_stock: 46 });
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
    const product = await system.inventory.get<ProductJson>('/api/products/1');
    assert.equal(product.body.stock, 45);
  });

  it('answers 409 when a key is reused for a different reservation', async () => {
    const headers = { 'Idempotency-Key': randomUUID() };
    await system.inventory.post('/api/products/1/reserve', { quantity: 2 }, headers);
    const res = await system.inventory.post<ErrorJson>('/api/products/1/reserve', { quantity: 3 }, headers);
    assert.equal(res.status, 409);
    const product = await system.inventory.get<ProductJson>('/api/products/1');
    assert.equal(product.body.stock, 48);
  });

  it('does not record refused reservations: the key can be retried when stock is back', async () => {
    const headers = { 'Idempotency-Key': randomUUID() };
    const refused = await system.inventory.post<ErrorJson>('/api/products/4/reserve', { quantity: 5 }, headers);
    assert.equal(refused.status, 400);
    await system.inventory.patch('/api/products/4', { stock: 8 });
    const retried = await system.inventory.post<ReservationJson>('/api/products/4/reserve', { quantity: 5 }, headers);
    assert.equal(retried.status, 200);
    assert.equal(retried.body.remaining_stock, 3);
  });

  it('stays atomic under concurrent requests with the same key', async () => {
    const headers = { 'Idempotency-Key': randomUUID() };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => system.inventory.post<ReservationJson>('/api/products/2/reserve', { quantity: 5 }, headers)),
    );
    assert.ok(results.every((r) => r.status === 200 && r.body.remaining_stock === 20));
    const product = await system.inventory.get<ProductJson>('/api/products/2');
    assert.equal(product.body.stock, 20);
  });
});

describe('idempotent orders (order service)', () => {
  const system = useSystem();

  it('answers a repeated Idempotency-Key with the same order (200) and reserves once', async () => {
    const headers = { 'Idempotency-Key': randomUUID() };
    const first = await system.orders.post<OrderJson>('/api/orders', { product_id: 3, quantity: 2 }, headers);
    const second = await system.orders.post<OrderJson>('/api/orders', { product_id: 3, quantity: 2 }, headers);
    assert.equal(first.status, 201);
    assert.equal(second.status, 200);
    assert.deepEqual(second.body, first.body);
    const list = await system.orders.get<OrderJson[]>('/api/orders');
    assert.equal(list.body.length, 1);
    const product = await system.inventory.get<ProductJson>('/api/products/3');
    assert.equal(product.body.stock, 38);
  });

  it('answers 409 when a key is reused for a different order', async () => {
    const headers = { 'Idempotency-Key': randomUUID() };
    await system.orders.post('/api/orders', { product_id: 3, quantity: 2 }, headers);
    const res = await system.orders.post<ErrorJson>('/api/orders', { product_id: 3, quantity: 5 }, headers);
    assert.equal(res.status, 409);
  });

  it('creates separate orders for requests without a key', async () => {
    await system.orders.post('/api/orders', { product_id: 1, quantity: 1 });
    await system.orders.post('/api/orders', { product_id: 1, quantity: 1 });
    const list = await system.orders.get<OrderJson[]>('/api/orders');
    assert.equal(list.body.length, 2);
  });

  it('answers 422 for an Idempotency-Key longer than 255 characters', async () => {
    const res = await system.orders.post('/api/orders', { product_id: 1, quantity: 1 }, { 'Idempotency-Key': 'k'.repeat(256) });
    assert.equal(res.status, 422);
  });
});

describe('order service retries a lost reservation answer safely', () => {
  let inventory: DatabaseService;
  let proxy: FaultProxy;
  let orders: DatabaseService;
  before(async () => {
    inventory = await startInventory();
    proxy = await startFaultProxy(inventory.baseUrl);
    orders = await startOrders(proxy.baseUrl, { inventoryTimeoutMs: 300 });
  });
  after(async () => {
    await orders.close();
    await proxy.close();
    await inventory.close();
  });
  beforeEach(() => {
    proxy.requests.length = 0;
    proxy.decide = () => 'pass';
  });

  for (const fault of ['lose-response', 'hang', 'error-500'] as const) {
    it(`confirms the order and takes the stock once when the first reserve call fails with "${fault}"`, async () => {
      const before = (await inventory.get<ProductJson>('/api/products/7')).body.stock;
      proxy.decide = (req) => (isReserve(req) && proxy.requests.filter(isReserve).length === 1 ? fault : 'pass');
      const res = await orders.post<OrderJson>('/api/orders', { product_id: 7, quantity: 2 });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.status, 'confirmed');
      const reserves = proxy.requests.filter(isReserve);
      assert.equal(reserves.length, 2, 'one retry');
      const keys = reserves.map((r) => r.headers['idempotency-key']);
      assert.ok(keys[0] && keys[0] === keys[1], 'the retry carries the same Idempotency-Key');
      const after = (await inventory.get<ProductJson>('/api/products/7')).body.stock;
      assert.equal(after, before - 2, fault === 'error-500' || fault === 'hang' ? 'taken by the retry' : 'taken once, not twice');
    });
  }

  it('passes the Idempotency-Key of the request on to the inventory service', async () => {
    const key = randomUUID();
    await orders.post('/api/orders', { product_id: 1, quantity: 1 }, { 'Idempotency-Key': key });
    assert.equal(proxy.requests.find(isReserve)?.headers['idempotency-key'], key);
  });
});
