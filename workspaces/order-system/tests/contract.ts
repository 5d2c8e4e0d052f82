/**
 * Black-box HTTP contract for the order-system exercise (inventory, orders, web), for the starter
 * and both solutions.
 *
 * Usage:
 *   orderSystemContract(() => ({ inventory, orders, web }), () => 'reference');
 *   const { issue1, issue2, details } = await reproduce({ inventory, orders, web });
 *
 * The services' databases are shared by every test, so tests never rely on absolute stock or
 * prices they did not set themselves: each test PATCHes the product it depends on first and
 * restores it afterwards. Products 3 (USB-C Hub) and 4 (Webcam HD) belong to `reproduce()`.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';

export type OrderSystemVariant = 'starter' | 'reference' | 'pending';

export interface OrderSystemUrls {
  inventory: string;
  orders: string;
  web: string;
}

// ---------------------------------------------------------------------------
// Wire types
// ---------------------------------------------------------------------------

interface ErrorBody {
  detail: string;
}

interface ValidationBody {
  detail: { type: string; loc: (string | number)[]; msg: string; input: unknown }[];
}

interface ProductBody {
  id: number;
  name: string;
  description: string;
  price: number;
  stock: number;
  category: string | null;
}

interface ReservationBody {
  product_id: number;
  quantity: number;
  remaining_stock: number;
}

interface OrderBody {
  id: number;
  product_id: number;
  product_name: string | null;
  unit_price: number | null;
  quantity: number;
  total: number | null;
  status: string;
  created_at: string;
}

const PRODUCT_KEYS = ['category', 'description', 'id', 'name', 'price', 'stock'];
const ORDER_KEYS = ['created_at', 'id', 'product_id', 'product_name', 'quantity', 'status', 'total', 'unit_price'];
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;

const CATALOGUE: readonly [number, string, number][] = [
  [1, 'Wireless Mouse', 29.99],
  [2, 'Mechanical Keyboard', 89.99],
  [3, 'USB-C Hub', 49.99],
  [4, 'Webcam HD', 79.99],
  [5, '27-inch Monitor', 249.99],
  [6, 'Laptop Stand', 39.99],
  [7, 'Noise-Cancelling Headphones', 199.99],
  [8, 'USB Microphone', 119.99],
];

// ---------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------

interface Reply<T> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

async function call<T = unknown>(
  base: string,
  method: string,
  path: string,
  opts: { json?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  let body: string | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if ('json' in opts) body = JSON.stringify(opts.json);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, body, signal: AbortSignal.timeout(20_000) });
  const text = await res.text();
  const isJson = (res.headers.get('content-type') ?? '').includes('json');
  return { status: res.status, headers: res.headers, body: (isJson && text ? JSON.parse(text) : null) as T, text };
}

const get = <T>(base: string, path: string) => call<T>(base, 'GET', path);
const post = <T>(base: string, path: string, json?: unknown, headers?: Record<string, string>) =>
  call<T>(base, 'POST', path, json === undefined ? { headers } : { json, headers });
const patch = <T>(base: string, path: string, json: unknown) => call<T>(base, 'PATCH', path, { json });

async function product(inventory: string, id: number): Promise<ProductBody> {
  const res = await get<ProductBody>(inventory, `/api/products/${id}`);
  assert.equal(res.status, 200, `GET /api/products/${id}: ${res.text}`);
  return res.body;
}

async function setProduct(inventory: string, id: number, changes: Partial<Omit<ProductBody, 'id'>>): Promise<ProductBody> {
  const res = await patch<ProductBody>(inventory, `/api/products/${id}`, changes);
  assert.equal(res.status, 200, `PATCH /api/products/${id}: ${res.text}`);
  return res.body;
}

/** Runs `fn` and then puts the product's fields back as they were. */
async function withProduct<T>(inventory: string, id: number, fn: (before: ProductBody) => Promise<T>): Promise<T> {
  const before = await product(inventory, id);
  try {
    return await fn(before);
  } finally {
    const { name, description, price, stock } = before;
    await setProduct(inventory, id, { name, description, price, stock });
  }
}

function assertOrderShape(order: OrderBody): void {
  assert.deepEqual(Object.keys(order).sort(), ORDER_KEYS);
  assert.match(order.created_at, TIMESTAMP);
}

// ---------------------------------------------------------------------------
// Contract
// ---------------------------------------------------------------------------

export function orderSystemContract(urls: () => OrderSystemUrls, variant: () => OrderSystemVariant): void {
  const inv = () => urls().inventory;
  const ord = () => urls().orders;
  const web = () => urls().web;

  describe('inventory service', () => {
    it('answers its health check', async () => {
      const res = await get<{ status: string }>(inv(), '/health');
      assert.equal(res.status, 200);
      assert.equal(res.body.status, 'healthy');
    });

    it('lists the catalogue by id', async () => {
      const res = await get<ProductBody[]>(inv(), '/api/products');
      assert.equal(res.status, 200);
      assert.deepEqual(
        res.body.map((p) => [p.id, p.name]),
        CATALOGUE.map(([id, name]) => [id, name]),
      );
      for (const p of res.body) {
        assert.deepEqual(Object.keys(p).sort(), PRODUCT_KEYS);
        assert.ok(p.price > 0 && Number.isInteger(p.stock) && p.stock >= 0, JSON.stringify(p));
        assert.ok(p.description.length > 0);
      }
    });

    it('gets a product; 404 for an unknown one; 422 for a bad id', async () => {
      const one = await get<ProductBody>(inv(), '/api/products/4');
      assert.equal(one.status, 200);
      assert.equal(one.body.name, 'Webcam HD');
      const missing = await get<ErrorBody>(inv(), '/api/products/999');
      assert.equal(missing.status, 404);
      assert.deepEqual(missing.body, { detail: 'Product not found' });
      const bad = await get<ValidationBody>(inv(), '/api/products/abc');
      assert.equal(bad.status, 422);
      assert.deepEqual(bad.body.detail[0]?.loc, ['path', 'product_id']);
    });

    it('PATCH changes only the given fields', async () => {
      await withProduct(inv(), 8, async (before) => {
        const res = await patch<ProductBody>(inv(), '/api/products/8', { price: 109.5, name: 'USB Microphone Pro' });
        assert.equal(res.status, 200);
        assert.deepEqual(res.body, { ...before, price: 109.5, name: 'USB Microphone Pro' });
        assert.deepEqual(await product(inv(), 8), res.body);
        const empty = await patch<ProductBody>(inv(), '/api/products/8', {});
        assert.equal(empty.status, 200);
        assert.deepEqual(empty.body, res.body);
      });
    });

    it('PATCH validates: price > 0, stock an integer >= 0, name not empty; 404 for an unknown product', async () => {
      for (const [body, field] of [
        [{ price: 0 }, 'price'],
        [{ price: -1 }, 'price'],
        [{ stock: -1 }, 'stock'],
        [{ stock: 1.5 }, 'stock'],
        [{ name: '' }, 'name'],
      ] as const) {
        const res = await patch<ValidationBody>(inv(), '/api/products/8', body);
        assert.equal(res.status, 422, JSON.stringify(body));
        assert.deepEqual(res.body.detail[0]?.loc, ['body', field]);
      }
      const malformed = await call<ValidationBody>(inv(), 'PATCH', '/api/products/8', { raw: '{"price":' });
      assert.equal(malformed.status, 422);
      const missing = await patch<ErrorBody>(inv(), '/api/products/999', { price: 1 });
      assert.equal(missing.status, 404);
    });

    it('reserve takes stock, refuses more than is left, validates and 404s', async () => {
      await withProduct(inv(), 6, async () => {
        await setProduct(inv(), 6, { stock: 5 });
        const ok = await post<ReservationBody>(inv(), '/api/products/6/reserve', { quantity: 2 });
        assert.equal(ok.status, 200);
        assert.deepEqual(ok.body, { product_id: 6, quantity: 2, remaining_stock: 3 });
        const refused = await post<ErrorBody>(inv(), '/api/products/6/reserve', { quantity: 4 });
        assert.equal(refused.status, 400);
        assert.deepEqual(refused.body, { detail: 'Insufficient stock for Laptop Stand: requested 4, available 3' });
        assert.equal((await product(inv(), 6)).stock, 3);
        for (const quantity of [0, -3, 2.5, 'x']) {
          const res = await post<ValidationBody>(inv(), '/api/products/6/reserve', { quantity });
          assert.equal(res.status, 422, JSON.stringify(quantity));
          assert.deepEqual(res.body.detail[0]?.loc, ['body', 'quantity']);
        }
        const missing = await post<ErrorBody>(inv(), '/api/products/999/reserve', { quantity: 1 });
        assert.equal(missing.status, 404);
        assert.equal((await product(inv(), 6)).stock, 3);
      });
    });

    it('reserve never oversells under concurrency', async () => {
      await withProduct(inv(), 5, async () => {
        await setProduct(inv(), 5, { stock: 5 });
        const results = await Promise.all(
          Array.from({ length: 12 }, () => post<ReservationBody>(inv(), '/api/products/5/reserve', { quantity: 1 })),
        );
        assert.deepEqual(
          results
            .filter((r) => r.status === 200)
            .map((r) => r.body.remaining_stock)
            .sort(),
          [0, 1, 2, 3, 4],
        );
        assert.equal(results.filter((r) => r.status === 400).length, 7);
        assert.equal((await product(inv(), 5)).stock, 0);
      });
    });

    it('serves interactive API docs (Swagger UI, offline) and the OpenAPI description', async () => {
      const page = await get(inv(), '/docs');
      assert.equal(page.status, 200);
      assert.match(page.text, /swagger-ui-bundle\.js/);
      for (const asset of ['/docs/swagger-ui-bundle.js', '/docs/swagger-ui.css']) {
        const res = await get(inv(), asset);
        assert.equal(res.status, 200, asset);
      }
      const spec = await get<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(inv(), '/openapi.json');
      assert.equal(spec.status, 200);
      assert.match(spec.body.openapi, /^3\./);
      assert.ok(spec.body.paths['/api/products']?.['get']);
      assert.ok(spec.body.paths['/api/products/{product_id}']?.['get']);
      assert.ok(spec.body.paths['/api/products/{product_id}']?.['patch']);
      assert.ok(spec.body.paths['/api/products/{product_id}/reserve']?.['post']);
    });

    it('answers unknown routes with a JSON 404', async () => {
      const res = await get<ErrorBody>(inv(), '/api/nothing-here');
      assert.equal(res.status, 404);
      assert.deepEqual(res.body, { detail: 'Not Found' });
    });
  });

  describe('order service', () => {
    it('answers its health check', async () => {
      const res = await get<{ status: string }>(ord(), '/health');
      assert.equal(res.status, 200);
      assert.equal(res.body.status, 'healthy');
    });

    it('places an order (201) and reserves its stock', async () => {
      await withProduct(inv(), 1, async () => {
        await setProduct(inv(), 1, { stock: 40 });
        const res = await post<OrderBody>(ord(), '/api/orders', { product_id: 1, quantity: 2 });
        assert.equal(res.status, 201, res.text);
        assertOrderShape(res.body);
        const { id, created_at: _created, ...rest } = res.body;
        assert.ok(Number.isInteger(id) && id > 0);
        assert.deepEqual(rest, {
          product_id: 1,
          product_name: 'Wireless Mouse',
          unit_price: 29.99,
          quantity: 2,
          total: 59.98,
          status: 'confirmed',
        });
        assert.equal((await product(inv(), 1)).stock, 38);
      });
    });

    it('lists orders newest first and gets one by id', async () => {
      const first = await post<OrderBody>(ord(), '/api/orders', { product_id: 1, quantity: 1 });
      const second = await post<OrderBody>(ord(), '/api/orders', { product_id: 7, quantity: 1 });
      assert.equal(first.status, 201);
      assert.equal(second.status, 201);
      const list = await get<OrderBody[]>(ord(), '/api/orders');
      assert.equal(list.status, 200);
      list.body.forEach(assertOrderShape);
      assert.deepEqual(
        list.body.slice(0, 2).map((o) => o.id),
        [second.body.id, first.body.id],
      );
      assert.deepEqual(list.body[0], second.body);
      const one = await get<OrderBody>(ord(), `/api/orders/${first.body.id}`);
      assert.equal(one.status, 200);
      assert.deepEqual(one.body, first.body);
    });

    it('answers 404 for an unknown product (nothing recorded) and an unknown order', async () => {
      const before = await get<OrderBody[]>(ord(), '/api/orders');
      const res = await post<ErrorBody>(ord(), '/api/orders', { product_id: 999, quantity: 1 });
      assert.equal(res.status, 404);
      assert.deepEqual(res.body, { detail: 'Product not found' });
      const after = await get<OrderBody[]>(ord(), '/api/orders');
      assert.equal(after.body.length, before.body.length);
      const missing = await get<ErrorBody>(ord(), '/api/orders/999999');
      assert.equal(missing.status, 404);
      assert.deepEqual(missing.body, { detail: 'Order not found' });
      const bad = await get<ValidationBody>(ord(), '/api/orders/latest');
      assert.equal(bad.status, 422);
    });

    it('validates the order: product_id and quantity are integers > 0 (422)', async () => {
      for (const [body, field] of [
        [{ quantity: 1 }, 'product_id'],
        [{ product_id: 1 }, 'quantity'],
        [{ product_id: 0, quantity: 1 }, 'product_id'],
        [{ product_id: 'one', quantity: 1 }, 'product_id'],
        [{ product_id: 1, quantity: 0 }, 'quantity'],
        [{ product_id: 1, quantity: -1 }, 'quantity'],
        [{ product_id: 1, quantity: 1.5 }, 'quantity'],
      ] as const) {
        const res = await post<ValidationBody>(ord(), '/api/orders', body);
        assert.equal(res.status, 422, JSON.stringify(body));
        assert.deepEqual(
          res.body.detail.map((d) => d.loc),
          [['body', field]],
        );
      }
      const malformed = await call<ValidationBody>(ord(), 'POST', '/api/orders', { raw: '{"product_id":' });
      assert.equal(malformed.status, 422);
      assert.equal(malformed.body.detail[0]?.type, 'json_invalid');
    });
  });

  describe('business rules and idempotency (solutions)', () => {
    it('refuses an order for more than the stock with the inventory reason; it is never confirmed', async (t) => {
      if (variant() === 'starter') return t.skip('the starter has this bug on purpose (see reproduce())');
      await withProduct(inv(), 2, async () => {
        await setProduct(inv(), 2, { stock: 2 });
        const before = await get<OrderBody[]>(ord(), '/api/orders');
        const res = await post<ErrorBody>(ord(), '/api/orders', { product_id: 2, quantity: 5 });
        assert.equal(res.status, 400);
        assert.deepEqual(res.body, { detail: 'Insufficient stock for Mechanical Keyboard: requested 5, available 2' });
        assert.equal((await product(inv(), 2)).stock, 2);
        const after = await get<OrderBody[]>(ord(), '/api/orders');
        const added = after.body.filter((o) => !before.body.some((b) => b.id === o.id));
        if (variant() === 'pending') {
          assert.deepEqual(
            added.map((o) => [o.product_id, o.quantity, o.status]),
            [[2, 5, 'cancelled']],
          );
        } else {
          assert.deepEqual(added, []);
        }
      });
    });

    it('keeps the price at the time of purchase', async (t) => {
      if (variant() === 'starter') return t.skip('the starter has this bug on purpose (see reproduce())');
      await withProduct(inv(), 7, async () => {
        const order = await post<OrderBody>(ord(), '/api/orders', { product_id: 7, quantity: 2 });
        assert.equal(order.status, 201);
        assert.equal(order.body.total, 399.98);
        await setProduct(inv(), 7, { price: 249.99, name: 'Headphones (new model)' });
        const one = await get<OrderBody>(ord(), `/api/orders/${order.body.id}`);
        assert.deepEqual(one.body, order.body);
        const listed = (await get<OrderBody[]>(ord(), '/api/orders')).body.find((o) => o.id === order.body.id);
        assert.deepEqual(listed, order.body);
      });
    });

    it('a repeated Idempotency-Key returns the same order (200) and reserves once', async (t) => {
      if (variant() === 'starter') return t.skip('idempotency is part of the solutions');
      await withProduct(inv(), 2, async () => {
        await setProduct(inv(), 2, { stock: 10 });
        const headers = { 'Idempotency-Key': randomUUID() };
        const first = await post<OrderBody>(ord(), '/api/orders', { product_id: 2, quantity: 3 }, headers);
        const second = await post<OrderBody>(ord(), '/api/orders', { product_id: 2, quantity: 3 }, headers);
        assert.equal(first.status, 201);
        assert.equal(second.status, 200);
        assert.deepEqual(second.body, first.body);
        assert.equal((await product(inv(), 2)).stock, 7);
        const conflict = await post<ErrorBody>(ord(), '/api/orders', { product_id: 2, quantity: 4 }, headers);
        assert.equal(conflict.status, 409);
      });
    });

    it('the inventory service records reservations by Idempotency-Key', async (t) => {
      if (variant() === 'starter') return t.skip('idempotency is part of the solutions');
      await withProduct(inv(), 2, async () => {
        await setProduct(inv(), 2, { stock: 10 });
        const headers = { 'Idempotency-Key': randomUUID() };
        const first = await post<ReservationBody>(inv(), '/api/products/2/reserve', { quantity: 4 }, headers);
        const again = await post<ReservationBody>(inv(), '/api/products/2/reserve', { quantity: 4 }, headers);
        assert.equal(first.status, 200);
        assert.deepEqual(again.body, first.body);
        assert.equal((await product(inv(), 2)).stock, 6);
      });
    });
  });

  describe('web frontend', () => {
    it('answers its health check', async () => {
      const res = await get<{ status: string }>(web(), '/health');
      assert.equal(res.status, 200);
      assert.equal(res.body.status, 'healthy');
    });

    it('serves the shop page, its script and its styles', async () => {
      const page = await get(web(), '/');
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
        assert.match(page.text, new RegExp(`id="${id}"`), id);
      }
      const script = await get(web(), '/app.js');
      assert.equal(script.status, 200);
      assert.match(script.headers.get('content-type') ?? '', /javascript/);
      const styles = await get(web(), '/styles.css');
      assert.equal(styles.status, 200);
      assert.match(styles.headers.get('content-type') ?? '', /css/);
    });

    it('proxies /api/products* to the inventory service unchanged', async () => {
      const direct = await get<ProductBody[]>(inv(), '/api/products');
      const proxied = await get<ProductBody[]>(web(), '/api/products');
      assert.equal(proxied.status, 200);
      assert.deepEqual(proxied.body, direct.body);
      const missing = await get<ErrorBody>(web(), '/api/products/999');
      assert.equal(missing.status, 404);
      assert.deepEqual(missing.body, { detail: 'Product not found' });
    });

    it('proxies /api/orders* to the order service unchanged', async () => {
      const created = await post<OrderBody>(web(), '/api/orders', { product_id: 1, quantity: 1 });
      assert.equal(created.status, 201);
      const one = await get<OrderBody>(ord(), `/api/orders/${created.body.id}`);
      assert.deepEqual(one.body, created.body);
      const viaWeb = await get<OrderBody>(web(), `/api/orders/${created.body.id}`);
      assert.deepEqual(viaWeb.body, created.body);
      const direct = await post<ValidationBody>(ord(), '/api/orders', { product_id: 1, quantity: 0 });
      const proxied = await post<ValidationBody>(web(), '/api/orders', { product_id: 1, quantity: 0 });
      assert.equal(proxied.status, 422);
      assert.deepEqual(proxied.body, direct.body);
    });

    it('answers unknown paths with a JSON 404', async () => {
      const res = await get<ErrorBody>(web(), '/no-such-page');
      assert.equal(res.status, 404);
      assert.deepEqual(res.body, { detail: 'Not Found' });
    });
  });
}

// ---------------------------------------------------------------------------
// The guide's two reproductions
// ---------------------------------------------------------------------------

/**
 * Scripts the interviewer guide's two reproduction steps against a running system and reports
 * whether each intentional issue showed. Restores the products it touched.
 *
 * Issue 1: with Webcam HD at 3 in stock, order 10 → the order is confirmed and the stock is
 * still 3. Issue 2: order 2 × USB-C Hub at $49.99 (total $99.98), PATCH its price to $69.99,
 * list again → the same order now totals $139.98.
 */
export async function reproduce(urls: OrderSystemUrls): Promise<{ issue1: boolean; issue2: boolean; details: string[] }> {
  const { inventory, orders } = urls;
  const details: string[] = [];

  const issue1 = await withProduct(inventory, 4, async (webcam) => {
    if (webcam.stock !== 3) await setProduct(inventory, 4, { stock: 3 });
    const res = await post<OrderBody | ErrorBody>(orders, '/api/orders', { product_id: 4, quantity: 10 });
    const stock = (await product(inventory, 4)).stock;
    const list = await get<OrderBody[]>(orders, '/api/orders');
    const created = res.status < 300 ? (res.body as OrderBody) : undefined;
    const listed = created ? list.body.find((o) => o.id === created.id) : undefined;
    const confirmed = created?.status === 'confirmed' || listed?.status === 'confirmed';
    details.push(
      `issue 1: POST /api/orders {product_id: 4, quantity: 10} with 3 in stock → ${res.status} ${res.text}; ` +
        `history: ${listed ? `#${listed.id} ${listed.status}` : 'no such order'}; Webcam HD stock afterwards: ${stock}`,
    );
    return confirmed && stock === 3;
  });

  const issue2 = await withProduct(inventory, 3, async (hub) => {
    if (hub.price !== 49.99) await setProduct(inventory, 3, { price: 49.99 });
    const res = await post<OrderBody>(orders, '/api/orders', { product_id: 3, quantity: 2 });
    assert.equal(res.status, 201, `ordering 2 × USB-C Hub: ${res.text}`);
    await setProduct(inventory, 3, { price: 69.99 });
    const list = await get<OrderBody[]>(orders, '/api/orders');
    const listed = list.body.find((o) => o.id === res.body.id);
    const one = await get<OrderBody>(orders, `/api/orders/${res.body.id}`);
    details.push(
      `issue 2: ordered 2 × USB-C Hub → total ${res.body.total}; after PATCH price 69.99 the history shows ` +
        `unit price ${listed?.unit_price}, total ${listed?.total} (GET /api/orders/${res.body.id}: total ${one.body.total})`,
    );
    return listed?.total !== res.body.total || listed.unit_price !== res.body.unit_price || one.body.total !== res.body.total;
  });

  return { issue1, issue2, details };
}
