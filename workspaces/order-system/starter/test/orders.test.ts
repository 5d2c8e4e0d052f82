import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TIMESTAMP, useSystem, type ErrorJson, type OrderJson, type ProductJson, type ValidationErrorJson } from './helpers';

describe('order service', () => {
  const system = useSystem();

  it('answers its health check', async () => {
    const res = await system.orders.get<{ status: string }>('/health');
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'healthy');
  });

  describe('POST /api/orders', () => {
    it('places an order', async () => {
      const res = await system.orders.post<OrderJson>('/api/orders', { product_id: 1, quantity: 2 });
      assert.equal(res.status, 201);
      const { id, created_at, ...rest } = res.body;
      assert.ok(Number.isInteger(id) && id > 0);
      assert.match(created_at, TIMESTAMP);
      assert.deepEqual(rest, {
        product_id: 1,
        product_name: 'Wireless Mouse',
        unit_price: 29.99,
        quantity: 2,
        total: 59.98,
        status: 'confirmed',
      });
    });

    it('reserves the stock with the inventory service', async () => {
      await system.orders.post('/api/orders', { product_id: 2, quantity: 3 });
      const product = await system.inventory.get<ProductJson>('/api/products/2');
      assert.equal(product.body.stock, 22);
    });

    it('can order the whole remaining stock', async () => {
      const res = await system.orders.post<OrderJson>('/api/orders', { product_id: 4, quantity: 3 });
      assert.equal(res.status, 201);
      assert.equal(res.body.total, 239.97);
      const product = await system.inventory.get<ProductJson>('/api/products/4');
      assert.equal(product.body.stock, 0);
    });

    it('rounds the total to cents', async () => {
      const res = await system.orders.post<OrderJson>('/api/orders', { product_id: 1, quantity: 3 });
      assert.equal(res.body.total, 89.97);
    });

    it('answers 404 for an unknown product and records nothing', async () => {
      const res = await system.orders.post<ErrorJson>('/api/orders', { product_id: 999, quantity: 1 });
      assert.equal(res.status, 404);
      assert.deepEqual(res.body, { detail: 'Product not found' });
      const list = await system.orders.get<OrderJson[]>('/api/orders');
      assert.deepEqual(list.body, []);
    });

    for (const [body, loc, type] of [
      [{ quantity: 1 }, 'product_id', 'missing'],
      [{ product_id: 1 }, 'quantity', 'missing'],
      [{ product_id: 0, quantity: 1 }, 'product_id', 'greater_than'],
      [{ product_id: 'abc', quantity: 1 }, 'product_id', 'int_parsing'],
      [{ product_id: 1, quantity: 0 }, 'quantity', 'greater_than'],
      [{ product_id: 1, quantity: -2 }, 'quantity', 'greater_than'],
      [{ product_id: 1, quantity: 1.5 }, 'quantity', 'int_from_float'],
      [{ product_id: 1, quantity: true }, 'quantity', 'int_type'],
    ] as const) {
      it(`answers 422 for ${JSON.stringify(body)}`, async () => {
        const res = await system.orders.post<ValidationErrorJson>('/api/orders', body);
        assert.equal(res.status, 422);
        assert.deepEqual(
          res.body.detail.map((issue) => [issue.loc.join('.'), issue.type]),
          [[`body.${loc}`, type]],
        );
        const product = await system.inventory.get<ProductJson>('/api/products/1');
        assert.equal(product.body.stock, 50, 'no stock was reserved');
      });
    }

    it('answers 422 for a body that is not an object', async () => {
      const res = await system.orders.post<ValidationErrorJson>('/api/orders', [1, 2]);
      assert.equal(res.status, 422);
      assert.equal(res.body.detail[0]?.type, 'model_attributes_type');
    });

    it('answers 422 for malformed JSON', async () => {
      const res = await system.orders.request<ValidationErrorJson>('POST', '/api/orders', { raw: '{"product_id": 1,' });
      assert.equal(res.status, 422);
      assert.equal(res.body.detail[0]?.type, 'json_invalid');
    });
  });

  describe('GET /api/orders', () => {
    it('is empty at first', async () => {
      const res = await system.orders.get<OrderJson[]>('/api/orders');
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, []);
    });

    it('lists orders newest first', async () => {
      const first = await system.orders.post<OrderJson>('/api/orders', { product_id: 1, quantity: 1 });
      const second = await system.orders.post<OrderJson>('/api/orders', { product_id: 3, quantity: 2 });
      const third = await system.orders.post<OrderJson>('/api/orders', { product_id: 7, quantity: 1 });
      const res = await system.orders.get<OrderJson[]>('/api/orders');
      assert.equal(res.status, 200);
      assert.deepEqual(
        res.body.map((o) => o.id),
        [third.body.id, second.body.id, first.body.id],
      );
      assert.deepEqual(res.body[1], second.body);
      assert.equal(res.body[1]?.product_name, 'USB-C Hub');
      assert.equal(res.body[1]?.total, 99.98);
    });
  });

  describe('GET /api/orders/:id', () => {
    it('gets an order', async () => {
      const created = await system.orders.post<OrderJson>('/api/orders', { product_id: 8, quantity: 1 });
      const res = await system.orders.get<OrderJson>(`/api/orders/${created.body.id}`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, created.body);
    });

    it('answers 404 for an unknown order', async () => {
      const res = await system.orders.get<ErrorJson>('/api/orders/999');
      assert.equal(res.status, 404);
      assert.deepEqual(res.body, { detail: 'Order not found' });
    });

    it('answers 422 for an order id that is not an integer', async () => {
      const res = await system.orders.get<ValidationErrorJson>('/api/orders/latest');
      assert.equal(res.status, 422);
      assert.deepEqual(res.body.detail[0]?.loc, ['path', 'order_id']);
    });
  });
});
