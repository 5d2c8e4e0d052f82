/**
 * Hidden checks of the order-system exercise: the two invariants of the brief, behaviour when the
 * inventory service fails, no per-order inventory calls, and retry-safe orders. Checks change
 * stock and prices to known values and put them back afterwards.
 */
import type { CheckContext, DeclareChecks } from 'faultline/checks';

interface Product {
  id: number;
  name: string;
  price: number;
  stock: number;
}

interface Order {
  id: number;
  product_id: number;
  product_name: string;
  unit_price: number;
  quantity: number;
  total: number;
  status: string;
}

const WEBCAM = 4;
const KEYBOARD = 2;
const HUB = 3;
const MOUSE = 1;

async function product(t: CheckContext, id: number): Promise<Product> {
  const r = await t.http('inventory').get(`/api/products/${id}`);
  t.expect(r.status, 200, `GET /api/products/${id} on the inventory service`);
  return r.body as Product;
}

/** Set a product field for the duration of `fn`, then put the old value back. */
async function withProduct<T>(
  t: CheckContext,
  id: number,
  change: Partial<Pick<Product, 'stock' | 'price'>>,
  fn: () => Promise<T>,
): Promise<T> {
  const before = await product(t, id);
  const patch = await t.http('inventory').patch(`/api/products/${id}`, change);
  t.expect(patch.status, 200, `PATCH /api/products/${id} ${JSON.stringify(change)}`);
  try {
    return await fn();
  } finally {
    await t.http('inventory').patch(`/api/products/${id}`, { stock: before.stock, price: before.price });
  }
}

/** Confirmed orders in the order service's own database (works whatever its API does). */
async function confirmed(t: CheckContext, productId: number): Promise<number> {
  const rows = await t.query('orders', "SELECT count(*) AS n FROM orders WHERE status = 'confirmed' AND product_id = ?", [productId]);
  return Number(rows[0]?.['n'] ?? 0);
}

const checks: DeclareChecks = (check) => {
  check(
    'overstock-refused',
    { title: 'Ordering more than the stock is refused: no confirmed order, stock unchanged', kind: 'functional' },
    async (t) => {
      await withProduct(t, WEBCAM, { stock: 3 }, async () => {
        const before = await confirmed(t, WEBCAM);
        const r = await t.http('orders').post('/api/orders', { product_id: WEBCAM, quantity: 10 });
        if (r.status < 400 || r.status >= 500)
          t.fail(`ordering 10 × Webcam HD with 3 in stock answered ${r.status}`, { expected: 'a 4xx refusal', actual: r.body });
        t.expect(await confirmed(t, WEBCAM), before, 'confirmed Webcam HD orders');
        t.expect((await product(t, WEBCAM)).stock, 3, 'Webcam HD stock');
      });
    },
  );

  check(
    'inventory-down',
    {
      title: 'With the inventory service down, ordering answers 503 and confirms nothing',
      kind: 'chaos',
      chaos: 'inventory_down',
      timeoutMs: 30_000,
    },
    async (t) => {
      const before = await confirmed(t, MOUSE);
      const r = await t.http('orders').post('/api/orders', { product_id: MOUSE, quantity: 1 }, { timeoutMs: 25_000 });
      t.expect(r.status, 503, 'POST /api/orders while the inventory service is down');
      t.expect(await confirmed(t, MOUSE), before, 'confirmed Wireless Mouse orders');
    },
  );

  check('price-snapshot', { title: 'Changing a price leaves the totals of earlier orders unchanged', kind: 'functional' }, async (t) => {
    const hub = await product(t, HUB);
    const r = await t.http('orders').post('/api/orders', { product_id: HUB, quantity: 2 });
    t.expect(r.status, 201, 'POST /api/orders 2 × USB-C Hub');
    const order = r.body as Order;
    const total = Math.round(hub.price * 2 * 100) / 100;
    t.expect(order.total, total, 'total at purchase');
    await withProduct(t, HUB, { price: Math.round((hub.price + 20) * 100) / 100 }, async () => {
      const again = await t.http('orders').get(`/api/orders/${order.id}`);
      t.expect(again.status, 200, `GET /api/orders/${order.id}`);
      const later = again.body as Order;
      t.expect([later.unit_price, later.total], [hub.price, total], 'unit price and total after the price changed');
    });
  });

  check(
    'no-per-order-calls',
    { title: 'Listing orders makes no call to the inventory service per order', kind: 'performance' },
    async (t) => {
      for (let i = 0; i < 3; i++)
        t.expect((await t.http('orders').post('/api/orders', { product_id: MOUSE, quantity: 1 })).status, 201, 'POST /api/orders');
      await t.resetMetrics();
      const list = await t.http('orders').get('/api/orders');
      t.expect(list.status, 200, 'GET /api/orders');
      const listed = Array.isArray(list.body) ? list.body.length : 0;
      const edge = (await t.metrics()).find((m) => m.listener === 'orders->inventory');
      const calls = edge?.routes.reduce((n, r) => n + r.count, 0) ?? 0;
      t.log(`listing ${listed} orders made ${calls} inventory call(s)`);
      if (calls > 0) t.fail(`listing ${listed} orders made ${calls} call(s) to the inventory service`, { expected: 0, actual: calls });
    },
  );

  check(
    'retry-safe-orders',
    {
      title: 'A retried order (same Idempotency-Key) reserves once, also when an answer is lost',
      kind: 'chaos',
      chaos: 'reservation_lost',
      timeoutMs: 40_000,
    },
    async (t) => {
      await withProduct(t, KEYBOARD, { stock: 10 }, async () => {
        const before = await confirmed(t, KEYBOARD);
        const headers = { 'idempotency-key': t.unique('order') };
        // The client retries until it gets an answer, then once more (a double click).
        let r = await t
          .http('orders')
          .post('/api/orders', { product_id: KEYBOARD, quantity: 1 }, { headers, timeoutMs: 15_000 })
          .catch(() => undefined);
        for (let attempt = 0; attempt < 3 && (!r || r.status >= 500); attempt++) {
          r = await t
            .http('orders')
            .post('/api/orders', { product_id: KEYBOARD, quantity: 1 }, { headers, timeoutMs: 15_000 })
            .catch(() => undefined);
        }
        if (!r || r.status >= 300) t.fail(`the order never succeeded: ${r ? `${r.status} ${r.text.slice(0, 120)}` : 'no answer'}`);
        const repeat = await t.http('orders').post('/api/orders', { product_id: KEYBOARD, quantity: 1 }, { headers });
        if (repeat.status >= 500) t.fail(`repeating the same order answered ${repeat.status}`);
        t.expect((await product(t, KEYBOARD)).stock, 9, 'keyboard stock after one order sent several times');
        t.expect((await confirmed(t, KEYBOARD)) - before, 1, 'confirmed keyboard orders created');
      });
    },
  );
};

export default checks;
