import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useTestApp, type HoldingJson, type PortfolioJson } from './helpers';

const buy = (symbol: string, quantity: number) => ({ symbol, order_type: 'market', side: 'buy', quantity });

describe('portfolio', () => {
  const app = useTestApp();

  describe('summary', () => {
    it('is empty for a new user', async () => {
      const api = await app.authenticatedClient();
      const res = await api.get<PortfolioJson>('/portfolio');
      assert.equal(res.status, 200);
      assert.equal(res.body.cash_balance, 10000);
      assert.equal(res.body.total_holdings_value, 0);
      assert.deepEqual(res.body.holdings, []);
    });

    it('includes holdings after buying', async () => {
      const api = await app.richAuthenticatedClient();
      await api.post('/orders', buy('AAPL', 10));
      await api.post('/orders', buy('MSFT', 5));
      const res = await api.get<PortfolioJson>('/portfolio');
      assert.equal(res.status, 200);
      assert.ok(res.body.total_holdings_value > 0);
      assert.equal(res.body.holdings.length, 2);
      assert.ok(Math.abs(res.body.total_portfolio_value - (res.body.cash_balance + res.body.total_holdings_value)) < 0.011);
    });

    it('reports gain/loss fields', async () => {
      const api = await app.richAuthenticatedClient();
      await api.post('/orders', buy('AAPL', 10));
      const res = await api.get<PortfolioJson>('/portfolio');
      for (const holding of res.body.holdings) {
        for (const field of ['total_gain_loss', 'gain_loss_percent', 'current_value', 'average_buy_price']) {
          assert.ok(field in holding, `missing ${field}`);
        }
      }
    });
  });

  describe('holdings', () => {
    it('is empty for a new user', async () => {
      const api = await app.authenticatedClient();
      const res = await api.get('/portfolio/holdings');
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, []);
    });

    it('lists bought stocks', async () => {
      const api = await app.richAuthenticatedClient();
      await api.post('/orders', buy('GOOGL', 8));
      const res = await api.get<HoldingJson[]>('/portfolio/holdings');
      assert.equal(res.status, 200);
      assert.equal(res.body.length, 1);
      assert.equal(res.body[0].symbol, 'GOOGL');
      assert.equal(res.body[0].quantity, 8);
    });

    it('gets one holding by symbol', async () => {
      const api = await app.richAuthenticatedClient();
      await api.post('/orders', buy('TSLA', 5));
      const res = await api.get<HoldingJson>('/portfolio/holdings/TSLA');
      assert.equal(res.status, 200);
      assert.equal(res.body.symbol, 'TSLA');
      assert.equal(res.body.quantity, 5);
    });

    it('returns 404 for a stock not owned', async () => {
      const api = await app.authenticatedClient();
      const res = await api.get('/portfolio/holdings/AAPL');
      assert.equal(res.status, 404);
    });
  });

  describe('balance', () => {
    it('returns the cash balance in USD', async () => {
      const api = await app.authenticatedClient();
      const res = await api.get<{ balance: number; currency: string }>('/portfolio/balance');
      assert.equal(res.status, 200);
      assert.equal(res.body.currency, 'USD');
      assert.equal(res.body.balance, 10000);
    });

    it('decreases after buying', async () => {
      const api = await app.richAuthenticatedClient();
      const initial = (await api.get<{ balance: number }>('/portfolio/balance')).body.balance;
      await api.post('/orders', buy('AAPL', 10));
      const final = (await api.get<{ balance: number }>('/portfolio/balance')).body.balance;
      assert.ok(final < initial);
    });
  });
});
