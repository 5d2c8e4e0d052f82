import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useTestApp, type ErrorJson, type OrderJson, type StockJson } from './helpers';

const marketOrder = (symbol: string, side: 'buy' | 'sell', quantity: number) => ({
  symbol,
  order_type: 'market',
  side,
  quantity,
});

describe('trading', () => {
  const app = useTestApp();

  describe('place order', () => {
    it('fills a market buy', async () => {
      const api = await app.richAuthenticatedClient();
      const res = await api.post<OrderJson>('/orders', marketOrder('AAPL', 'buy', 5));
      assert.equal(res.status, 201);
      assert.equal(res.body.symbol, 'AAPL');
      assert.equal(res.body.side, 'buy');
      assert.equal(res.body.quantity, 5);
      assert.equal(res.body.status, 'filled');
      assert.equal(res.body.filled_quantity, 5);
      assert.ok((res.body.filled_price ?? 0) > 0);
    });

    it('fills a limit buy above the current price', async () => {
      const api = await app.richAuthenticatedClient();
      const price = (await api.get<StockJson>('/stocks/AAPL')).body.current_price;
      const res = await api.post<OrderJson>('/orders', {
        symbol: 'AAPL',
        order_type: 'limit',
        side: 'buy',
        quantity: 3,
        limit_price: price + 10,
      });
      assert.equal(res.status, 201);
      assert.equal(res.body.status, 'filled');
    });

    it('leaves a limit buy below the market pending', async () => {
      const api = await app.richAuthenticatedClient();
      const res = await api.post<OrderJson>('/orders', {
        symbol: 'AAPL',
        order_type: 'limit',
        side: 'buy',
        quantity: 2,
        limit_price: 1.0,
      });
      assert.equal(res.status, 201);
      assert.equal(res.body.status, 'pending');
    });

    it('sells shares after buying them', async () => {
      const api = await app.richAuthenticatedClient();
      assert.equal((await api.post('/orders', marketOrder('GOOGL', 'buy', 10))).status, 201);
      const res = await api.post<OrderJson>('/orders', marketOrder('GOOGL', 'sell', 5));
      assert.equal(res.status, 201);
      assert.equal(res.body.status, 'filled');
    });

    it('rejects selling shares that are not owned', async () => {
      const api = await app.richAuthenticatedClient();
      const res = await api.post<ErrorJson>('/orders', marketOrder('NVDA', 'sell', 1000));
      assert.equal(res.status, 400);
      assert.match(res.body.detail, /Insufficient shares/);
    });

    it('rejects a buy without enough funds', async () => {
      const api = await app.authenticatedClient();
      const res = await api.post<ErrorJson>('/orders', marketOrder('NVDA', 'buy', 1000));
      assert.equal(res.status, 400);
      assert.match(res.body.detail, /Insufficient funds/);
    });

    it('returns 404 for an unknown stock', async () => {
      const api = await app.richAuthenticatedClient();
      const res = await api.post('/orders', marketOrder('INVALID', 'buy', 1));
      assert.equal(res.status, 404);
    });

    it('rejects an invalid order type', async () => {
      const api = await app.richAuthenticatedClient();
      const res = await api.post('/orders', { symbol: 'AAPL', order_type: 'invalid', side: 'buy', quantity: 1 });
      assert.equal(res.status, 422);
    });

    it('rejects an invalid side', async () => {
      const api = await app.richAuthenticatedClient();
      const res = await api.post('/orders', { symbol: 'AAPL', order_type: 'market', side: 'invalid', quantity: 1 });
      assert.equal(res.status, 422);
    });

    it('rejects a negative quantity', async () => {
      const api = await app.richAuthenticatedClient();
      const res = await api.post('/orders', marketOrder('AAPL', 'buy', -5));
      assert.equal(res.status, 422);
    });
  });

  describe('get orders', () => {
    it('lists the user orders', async () => {
      const api = await app.richAuthenticatedClient();
      await api.post('/orders', marketOrder('AAPL', 'buy', 1));
      const res = await api.get<OrderJson[]>('/orders');
      assert.equal(res.status, 200);
      assert.ok(Array.isArray(res.body));
      assert.ok(res.body.length >= 1);
    });

    it('filters by status', async () => {
      const api = await app.richAuthenticatedClient();
      await api.post('/orders', { symbol: 'AAPL', order_type: 'limit', side: 'buy', quantity: 1, limit_price: 1.0 });
      const res = await api.get<OrderJson[]>('/orders?status=pending');
      assert.equal(res.status, 200);
      for (const order of res.body) assert.equal(order.status, 'pending');
    });

    it('gets an order by id', async () => {
      const api = await app.richAuthenticatedClient();
      const created = await api.post<OrderJson>('/orders', marketOrder('MSFT', 'buy', 2));
      const res = await api.get<OrderJson>(`/orders/${created.body.id}`);
      assert.equal(res.status, 200);
      assert.equal(res.body.id, created.body.id);
    });
  });

  describe('cancel order', () => {
    it('cancels a pending order', async () => {
      const api = await app.richAuthenticatedClient();
      const created = await api.post<OrderJson>('/orders', {
        symbol: 'AAPL',
        order_type: 'limit',
        side: 'buy',
        quantity: 1,
        limit_price: 1.0,
      });
      const res = await api.delete<OrderJson>(`/orders/${created.body.id}`);
      assert.equal(res.status, 200);
      assert.equal(res.body.status, 'cancelled');
    });

    it('refuses to cancel a filled order', async () => {
      const api = await app.richAuthenticatedClient();
      const created = await api.post<OrderJson>('/orders', marketOrder('AAPL', 'buy', 1));
      const res = await api.delete<ErrorJson>(`/orders/${created.body.id}`);
      assert.equal(res.status, 400);
      assert.match(res.body.detail, /Cannot cancel/);
    });

    it('returns 404 for an unknown order', async () => {
      const api = await app.richAuthenticatedClient();
      const res = await api.delete('/orders/99999');
      assert.equal(res.status, 404);
    });
  });
});
