import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closedPortUrl, startWeb, useSystem, type ErrorJson, type OrderJson, type ProductJson, type ValidationErrorJson } from './helpers';

describe('web frontend', () => {
  const system = useSystem();

  it('answers its health check', async () => {
    const res = await system.web.get<{ status: string }>('/health');
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'healthy');
  });

  it('serves the shop page and its assets', async () => {
    const page = await system.web.get('/');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    for (const id of [
      'products-table',
      'order-form',
      'product-select',
      'quantity',
      'place-order',
      'order-result',
      'order-error',
      'orders-table',
    ]) {
      assert.match(page.text, new RegExp(`id="${id}"`), `the page has #${id}`);
    }
    const script = await system.web.get('/app.js');
    assert.equal(script.status, 200);
    assert.match(script.headers.get('content-type') ?? '', /javascript/);
    const styles = await system.web.get('/styles.css');
    assert.equal(styles.status, 200);
    assert.match(styles.headers.get('content-type') ?? '', /text\/css/);
  });

  it('proxies /api/products to the inventory service', async () => {
    const list = await system.web.get<ProductJson[]>('/api/products');
    assert.equal(list.status, 200);
    assert.equal(list.body.length, 8);
    const direct = await system.inventory.get<ProductJson>('/api/products/4');
    const proxied = await system.web.get<ProductJson>('/api/products/4');
    assert.deepEqual(proxied.body, direct.body);
  });

  it('proxies a PATCH to the inventory service', async () => {
    const res = await system.web.patch<ProductJson>('/api/products/8', { stock: 20 });
    assert.equal(res.status, 200);
    assert.equal(res.body.stock, 20);
    const direct = await system.inventory.get<ProductJson>('/api/products/8');
    assert.equal(direct.body.stock, 20);
  });

  it('proxies /api/orders to the order service', async () => {
    const created = await system.web.post<OrderJson>('/api/orders', { product_id: 6, quantity: 2 });
    assert.equal(created.status, 201);
    assert.equal(created.body.total, 79.98);
    const list = await system.web.get<OrderJson[]>('/api/orders');
    assert.deepEqual(list.body, [created.body]);
    const one = await system.web.get<OrderJson>(`/api/orders/${created.body.id}`);
    assert.deepEqual(one.body, created.body);
  });

  it('passes errors through unchanged', async () => {
    const notFound = await system.web.get<ErrorJson>('/api/products/999');
    assert.equal(notFound.status, 404);
    assert.deepEqual(notFound.body, { detail: 'Product not found' });

    const direct = await system.orders.post<ValidationErrorJson>('/api/orders', { product_id: 1, quantity: 0 });
    const proxied = await system.web.post<ValidationErrorJson>('/api/orders', { product_id: 1, quantity: 0 });
    assert.equal(proxied.status, 422);
    assert.deepEqual(proxied.body, direct.body);
  });

  it('answers 502 when a service cannot be reached', async () => {
    const down = await closedPortUrl();
    const web = await startWeb({ inventoryUrl: down, ordersUrl: down });
    try {
      for (const path of ['/api/products', '/api/orders']) {
        const res = await web.get<ErrorJson>(path);
        assert.equal(res.status, 502, path);
        assert.match(res.body.detail, /unavailable/);
      }
    } finally {
      await web.close();
    }
  });

  it('answers unknown paths with a JSON 404', async () => {
    const res = await system.web.get<ErrorJson>('/nope');
    assert.equal(res.status, 404);
    assert.deepEqual(res.body, { detail: 'Not Found' });
  });
});
