/**
 * The two business rules of the README, for the reference solution:
 *  - orders are only confirmed when inventory is successfully reserved
 *    (a failed reservation records nothing);
 *  - order totals reflect the price at the time of purchase.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { isReserve, startFaultProxy, type FaultProxy } from './faults';
import {
  closedPortUrl,
  startInventory,
  startOrders,
  useSystem,
  type DatabaseService,
  type ErrorJson,
  type OrderJson,
  type ProductJson,
} from './helpers';

describe('orders are only confirmed when inventory is reserved', () => {
  const system = useSystem();

  it('refuses an order for more than the stock, with the reason, and records nothing', async () => {
    const res = await system.orders.post<ErrorJson>('/api/orders', { product_id: 4, quantity: 10 });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { detail: 'Insufficient stock for Webcam HD: requested 10, available 3' });
    const list = await system.orders.get<OrderJson[]>('/api/orders');
    assert.deepEqual(list.body, []);
    const product = await system.inventory.get<ProductJson>('/api/products/4');
    assert.equal(product.body.stock, 3);
  });

  it('still accepts the order once it fits the stock', async () => {
    await system.orders.post('/api/orders', { product_id: 4, quantity: 10 });
    const res = await system.orders.post<OrderJson>('/api/orders', { product_id: 4, quantity: 3 });
    assert.equal(res.status, 201);
    assert.equal(res.body.status, 'confirmed');
  });

  it('answers 503 and records nothing when the inventory service cannot be reached', async () => {
    const orders = await startOrders(await closedPortUrl());
    try {
      const res = await orders.post<ErrorJson>('/api/orders', { product_id: 1, quantity: 1 });
      assert.equal(res.status, 503);
      assert.deepEqual(res.body, { detail: 'Inventory service unavailable' });
      const list = await orders.get<OrderJson[]>('/api/orders');
      assert.deepEqual(list.body, []);
    } finally {
      await orders.close();
    }
  });
});

describe('orders behind a failing inventory service', () => {
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

  for (const fault of ['hang', 'error-500'] as const) {
    it(`answers 503 and records nothing when every reservation attempt fails with "${fault}"`, async () => {
      const before = await orders.get<OrderJson[]>('/api/orders');
      proxy.decide = (req) => (isReserve(req) ? fault : 'pass');
      const res = await orders.post<ErrorJson>('/api/orders', { product_id: 2, quantity: 1 });
      assert.equal(res.status, 503);
      assert.equal(res.body.detail, 'Inventory service unavailable');
      assert.equal(proxy.requests.filter(isReserve).length, 2, 'tried twice');
      proxy.decide = () => 'pass';
      const afterwards = await orders.get<OrderJson[]>('/api/orders');
      assert.deepEqual(afterwards.body, before.body);
      const product = await inventory.get<ProductJson>('/api/products/2');
      assert.equal(product.body.stock, 25);
    });
  }

  it('reads orders without calling the inventory service', async () => {
    for (const productId of [1, 3, 5]) await orders.post('/api/orders', { product_id: productId, quantity: 1 });
    proxy.requests.length = 0;
    proxy.decide = () => 'error-500';
    const list = await orders.get<OrderJson[]>('/api/orders');
    assert.equal(list.status, 200);
    assert.ok(list.body.length >= 3);
    const one = await orders.get<OrderJson>(`/api/orders/${list.body[0]?.id}`);
    assert.equal(one.status, 200);
    assert.equal(one.body.product_name, '27-inch Monitor');
    assert.equal(proxy.requests.length, 0, 'no inventory calls');
  });
});

describe('order totals reflect the price at the time of purchase', () => {
  const system = useSystem();

  it('keeps name, unit price and total when the product changes later', async () => {
    const order = await system.orders.post<OrderJson>('/api/orders', { product_id: 3, quantity: 2 });
    assert.equal(order.body.total, 99.98);
    const patched = await system.inventory.patch('/api/products/3', { price: 69.99, name: 'USB-C Hub (2nd gen)' });
    assert.equal(patched.status, 200);

    const list = await system.orders.get<OrderJson[]>('/api/orders');
    assert.deepEqual(list.body, [order.body]);
    const one = await system.orders.get<OrderJson>(`/api/orders/${order.body.id}`);
    assert.deepEqual(one.body, order.body);
    assert.equal(one.body.product_name, 'USB-C Hub');
    assert.equal(one.body.unit_price, 49.99);

    const later = await system.orders.post<OrderJson>('/api/orders', { product_id: 3, quantity: 2 });
    assert.equal(later.body.unit_price, 69.99);
    assert.equal(later.body.total, 139.98);
  });
});
