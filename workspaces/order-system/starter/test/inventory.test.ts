import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seedProducts } from '../inventory-service/src/db/seed';
import { useSystem, type ErrorJson, type ProductJson, type ReservationJson, type ValidationErrorJson } from './helpers';

describe('inventory service', () => {
  const system = useSystem();

  it('answers its health check', async () => {
    const res = await system.inventory.get<{ status: string }>('/health');
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'healthy');
  });

  describe('products', () => {
    it('lists the seeded catalogue by id', async () => {
      const res = await system.inventory.get<ProductJson[]>('/api/products');
      assert.equal(res.status, 200);
      assert.deepEqual(
        res.body.map((p) => [p.id, p.name, p.price, p.stock]),
        [
          [1, 'Wireless Mouse', 29.99, 50],
          [2, 'Mechanical Keyboard', 89.99, 25],
          [3, 'USB-C Hub', 49.99, 40],
          [4, 'Webcam HD', 79.99, 3],
          [5, '27-inch Monitor', 249.99, 10],
          [6, 'Laptop Stand', 39.99, 30],
          [7, 'Noise-Cancelling Headphones', 199.99, 15],
          [8, 'USB Microphone', 119.99, 12],
        ],
      );
      for (const product of res.body) assert.ok(product.description.length > 0, `${product.name} has a description`);
    });

    it('gets a product by id', async () => {
      const res = await system.inventory.get<ProductJson>('/api/products/3');
      assert.equal(res.status, 200);
      assert.deepEqual(Object.keys(res.body).sort(), ['category', 'description', 'id', 'name', 'price', 'stock']);
      assert.equal(res.body.name, 'USB-C Hub');
      assert.equal(res.body.price, 49.99);
    });

    it('answers 404 for an unknown product', async () => {
      const res = await system.inventory.get<ErrorJson>('/api/products/999');
      assert.equal(res.status, 404);
      assert.deepEqual(res.body, { detail: 'Product not found' });
    });

    it('answers 422 for a product id that is not an integer', async () => {
      const res = await system.inventory.get<ValidationErrorJson>('/api/products/abc');
      assert.equal(res.status, 422);
      assert.deepEqual(res.body.detail[0]?.loc, ['path', 'product_id']);
    });

    it('reseeding keeps existing products as they are', async () => {
      await system.inventory.patch('/api/products/1', { price: 31.5, stock: 7 });
      assert.equal(await seedProducts(system.inventory.db), 0);
      const res = await system.inventory.get<ProductJson>('/api/products/1');
      assert.equal(res.body.price, 31.5);
      assert.equal(res.body.stock, 7);
    });
  });

  describe('PATCH /api/products/:id', () => {
    it('changes the price', async () => {
      const res = await system.inventory.patch<ProductJson>('/api/products/3', { price: 54.99 });
      assert.equal(res.status, 200);
      assert.equal(res.body.price, 54.99);
      assert.equal(res.body.stock, 40, 'other fields are unchanged');
      const after = await system.inventory.get<ProductJson>('/api/products/3');
      assert.equal(after.body.price, 54.99);
    });

    it('changes name, description and stock together', async () => {
      const res = await system.inventory.patch<ProductJson>('/api/products/6', {
        name: 'Laptop Stand Pro',
        description: 'Now in black.',
        stock: 0,
      });
      assert.equal(res.status, 200);
      assert.equal(res.body.name, 'Laptop Stand Pro');
      assert.equal(res.body.description, 'Now in black.');
      assert.equal(res.body.stock, 0);
      assert.equal(res.body.price, 39.99);
    });

    it('accepts an empty update', async () => {
      const res = await system.inventory.patch<ProductJson>('/api/products/2', {});
      assert.equal(res.status, 200);
      assert.equal(res.body.price, 89.99);
    });

    for (const [field, value, type] of [
      ['price', 0, 'greater_than'],
      ['price', -5, 'greater_than'],
      ['price', 'cheap', 'float_parsing'],
      ['stock', -1, 'greater_than_equal'],
      ['stock', 2.5, 'int_from_float'],
      ['name', '', 'string_too_short'],
      ['name', 42, 'string_type'],
    ] as const) {
      it(`rejects ${field} = ${JSON.stringify(value)} with 422 ${type}`, async () => {
        const res = await system.inventory.patch<ValidationErrorJson>('/api/products/3', { [field]: value });
        assert.equal(res.status, 422);
        assert.equal(res.body.detail.length, 1);
        assert.deepEqual(res.body.detail[0]?.loc, ['body', field]);
        assert.equal(res.body.detail[0]?.type, type);
        const after = await system.inventory.get<ProductJson>('/api/products/3');
        assert.equal(after.body.price, 49.99, 'nothing changed');
      });
    }

    it('answers 404 for an unknown product', async () => {
      const res = await system.inventory.patch<ErrorJson>('/api/products/999', { price: 10 });
      assert.equal(res.status, 404);
      assert.equal(res.body.detail, 'Product not found');
    });

    it('answers 422 for malformed JSON', async () => {
      const res = await system.inventory.request<ValidationErrorJson>('PATCH', '/api/products/3', { raw: '{"price": ' });
      assert.equal(res.status, 422);
      assert.equal(res.body.detail[0]?.type, 'json_invalid');
    });
  });

  describe('POST /api/products/:id/reserve', () => {
    it('takes the quantity out of stock', async () => {
      const res = await system.inventory.post<ReservationJson>('/api/products/1/reserve', { quantity: 5 });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { product_id: 1, quantity: 5, remaining_stock: 45 });
      const product = await system.inventory.get<ProductJson>('/api/products/1');
      assert.equal(product.body.stock, 45);
    });

    it('can reserve the last unit', async () => {
      const res = await system.inventory.post<ReservationJson>('/api/products/4/reserve', { quantity: 3 });
      assert.equal(res.status, 200);
      assert.equal(res.body.remaining_stock, 0);
    });

    it('refuses more than the stock and changes nothing', async () => {
      const res = await system.inventory.post<ErrorJson>('/api/products/4/reserve', { quantity: 10 });
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, { detail: 'Insufficient stock for Webcam HD: requested 10, available 3' });
      const product = await system.inventory.get<ProductJson>('/api/products/4');
      assert.equal(product.body.stock, 3);
    });

    for (const quantity of [0, -1, 1.5, 'two', null]) {
      it(`answers 422 for quantity ${JSON.stringify(quantity)}`, async () => {
        const res = await system.inventory.post<ValidationErrorJson>('/api/products/1/reserve', { quantity });
        assert.equal(res.status, 422);
        assert.deepEqual(res.body.detail[0]?.loc, ['body', 'quantity']);
        const product = await system.inventory.get<ProductJson>('/api/products/1');
        assert.equal(product.body.stock, 50);
      });
    }

    it('answers 422 without a body', async () => {
      const res = await system.inventory.post<ValidationErrorJson>('/api/products/1/reserve');
      assert.equal(res.status, 422);
    });

    it('answers 404 for an unknown product', async () => {
      const res = await system.inventory.post<ErrorJson>('/api/products/999/reserve', { quantity: 1 });
      assert.equal(res.status, 404);
      assert.equal(res.body.detail, 'Product not found');
    });

    it('never oversells under concurrent reservations', async () => {
      await system.inventory.patch('/api/products/5', { stock: 10 });
      const results = await Promise.all(
        Array.from({ length: 25 }, () => system.inventory.post<ReservationJson | ErrorJson>('/api/products/5/reserve', { quantity: 1 })),
      );
      const succeeded = results.filter((r) => r.status === 200).map((r) => (r.body as ReservationJson).remaining_stock);
      assert.equal(succeeded.length, 10);
      assert.deepEqual(
        succeeded.sort((a, b) => a - b),
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      );
      assert.ok(results.filter((r) => r.status !== 200).every((r) => r.status === 400));
      const product = await system.inventory.get<ProductJson>('/api/products/5');
      assert.equal(product.body.stock, 0);
    });
  });

  describe('API docs', () => {
    it('serves Swagger UI at /docs', async () => {
      const page = await system.inventory.get('/docs');
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /text\/html/);
      assert.match(page.text, /swagger-ui-bundle\.js/);
      assert.match(page.text, /\/openapi\.json/);
      const bundle = await system.inventory.get('/docs/swagger-ui-bundle.js');
      assert.equal(bundle.status, 200);
      assert.match(bundle.headers.get('content-type') ?? '', /javascript/);
    });

    it('describes every endpoint in /openapi.json', async () => {
      const res = await system.inventory.get<{ openapi: string; paths: Record<string, Record<string, unknown>> }>('/openapi.json');
      assert.equal(res.status, 200);
      assert.match(res.body.openapi, /^3\./);
      assert.deepEqual(Object.keys(res.body.paths['/api/products'] ?? {}), ['get']);
      assert.deepEqual(Object.keys(res.body.paths['/api/products/{product_id}'] ?? {}).sort(), ['get', 'patch']);
      assert.deepEqual(Object.keys(res.body.paths['/api/products/{product_id}/reserve'] ?? {}), ['post']);
    });
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await system.inventory.get<ErrorJson>('/api/nope');
    assert.equal(res.status, 404);
    assert.deepEqual(res.body, { detail: 'Not Found' });
  });
});
