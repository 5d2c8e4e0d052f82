import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useTestApp, type StockJson } from './helpers';

type SearchResultJson = Pick<StockJson, 'symbol' | 'name' | 'current_price' | 'change' | 'change_percent'>;

describe('stocks', () => {
  const app = useTestApp();

  describe('get stocks', () => {
    it('lists all stocks', async () => {
      const res = await app.client().get<StockJson[]>('/stocks');
      assert.equal(res.status, 200);
      assert.ok(Array.isArray(res.body));
      assert.ok(res.body.length > 0);
      const stock = res.body[0];
      for (const field of ['symbol', 'name', 'current_price', 'change', 'change_percent']) {
        assert.ok(field in stock, `missing ${field}`);
      }
    });

    it('gets a stock by symbol', async () => {
      const res = await app.client().get<StockJson>('/stocks/AAPL');
      assert.equal(res.status, 200);
      assert.equal(res.body.symbol, 'AAPL');
      assert.equal(res.body.name, 'Apple Inc.');
      assert.ok(res.body.current_price > 0);
    });

    it('looks symbols up case-insensitively', async () => {
      const res = await app.client().get<StockJson>('/stocks/aapl');
      assert.equal(res.status, 200);
      assert.equal(res.body.symbol, 'AAPL');
    });

    it('returns 404 for an unknown stock', async () => {
      const res = await app.client().get('/stocks/INVALID');
      assert.equal(res.status, 404);
    });

    it('returns a quote', async () => {
      const res = await app.client().get<{ symbol: string }>('/stocks/MSFT/quote');
      assert.equal(res.status, 200);
      assert.equal(res.body.symbol, 'MSFT');
      for (const field of ['price', 'change', 'change_percent']) assert.ok(field in res.body, `missing ${field}`);
    });
  });

  describe('search', () => {
    it('finds by symbol', async () => {
      const res = await app.client().get<SearchResultJson[]>('/stocks/search?q=AAPL');
      assert.equal(res.status, 200);
      assert.ok(res.body.some((stock) => stock.symbol === 'AAPL'));
    });

    it('finds by company name', async () => {
      const res = await app.client().get<SearchResultJson[]>('/stocks/search?q=Apple');
      assert.equal(res.status, 200);
      assert.ok(res.body.some((stock) => stock.name.includes('Apple')));
    });

    it('matches partially', async () => {
      const res = await app.client().get<SearchResultJson[]>('/stocks/search?q=micro');
      assert.equal(res.status, 200);
      assert.ok(res.body.length >= 1);
    });

    it('returns an empty list when nothing matches', async () => {
      const res = await app.client().get('/stocks/search?q=xyznotfound');
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, []);
    });
  });

  describe('price simulation', () => {
    it('moves a price by at most 2%', async () => {
      const api = await app.authenticatedClient();
      const initial = (await api.get<StockJson>('/stocks/AAPL')).body.current_price;
      const res = await api.post<{ symbol: string; new_price: number }>('/stocks/AAPL/simulate');
      assert.equal(res.status, 200);
      assert.equal(res.body.symbol, 'AAPL');
      assert.ok(Math.abs(res.body.new_price - initial) / initial <= 0.02);
    });

    it('simulates all prices', async () => {
      const api = await app.authenticatedClient();
      const res = await api.post<{ message: string }>('/stocks/simulate-all');
      assert.equal(res.status, 200);
      assert.match(res.body.message, /Simulated/);
    });

    it('requires authentication', async () => {
      const res = await app.client().post('/stocks/AAPL/simulate');
      assert.equal(res.status, 401);
    });
  });
});
