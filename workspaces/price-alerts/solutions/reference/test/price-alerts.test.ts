/**
 * Price Alerts tests — complete suite (the provided tests plus the former
 * TODO tests, all implemented).
 *
 * Run with: npm test
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useTestApp, type AlertJson, type ErrorJson, type StockJson } from './helpers';

describe('price alerts', () => {
  const app = useTestApp();

  describe('create alert', () => {
    it('creates an alert for when the price goes above a target', async () => {
      const api = await app.authenticatedClient();
      const res = await api.post<AlertJson>('/alerts', { symbol: 'AAPL', target_price: 200.0, condition: 'above' });
      assert.equal(res.status, 201);
      assert.equal(res.body.symbol, 'AAPL');
      assert.equal(res.body.target_price, 200.0);
      assert.equal(res.body.condition, 'above');
      assert.equal(res.body.is_triggered, false);
      assert.equal(res.body.is_active, true);
      assert.ok('id' in res.body);
      assert.ok('current_price' in res.body);
    });

    it('creates an alert for when the price goes below a target', async () => {
      const api = await app.authenticatedClient();
      const res = await api.post<AlertJson>('/alerts', { symbol: 'TSLA', target_price: 200.0, condition: 'below' });
      assert.equal(res.status, 201);
      assert.equal(res.body.condition, 'below');
    });

    it('returns 404 for a symbol that does not exist', async () => {
      const api = await app.authenticatedClient();
      const res = await api.post<ErrorJson>('/alerts', { symbol: 'INVALID', target_price: 100.0, condition: 'above' });
      assert.equal(res.status, 404);
      assert.equal(res.body.detail, 'Stock INVALID not found');
    });

    it('requires authentication to create an alert', async () => {
      const res = await app.client().post<ErrorJson>('/alerts', { symbol: 'AAPL', target_price: 200.0, condition: 'above' });
      assert.equal(res.status, 401);
      assert.equal(res.body.detail, 'Not authenticated');
    });
  });

  describe('get alerts', () => {
    it('returns an empty list when there are no alerts', async () => {
      const api = await app.authenticatedClient();
      const res = await api.get('/alerts');
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, []);
    });

    it('returns the alerts that were created', async () => {
      const api = await app.authenticatedClient();
      await api.post('/alerts', { symbol: 'AAPL', target_price: 200.0, condition: 'above' });
      await api.post('/alerts', { symbol: 'GOOGL', target_price: 100.0, condition: 'below' });

      const res = await api.get<AlertJson[]>('/alerts');
      assert.equal(res.status, 200);
      assert.equal(res.body.length, 2);
    });

    it('gets an alert by id', async () => {
      const api = await app.authenticatedClient();
      const created = await api.post<AlertJson>('/alerts', { symbol: 'MSFT', target_price: 400.0, condition: 'above' });
      const alertId = created.body.id;

      const res = await api.get<AlertJson>(`/alerts/${alertId}`);
      assert.equal(res.status, 200);
      assert.equal(res.body.id, alertId);
      assert.equal(res.body.symbol, 'MSFT');
    });

    it('returns 404 for an alert that does not exist', async () => {
      const api = await app.authenticatedClient();
      const res = await api.get<ErrorJson>('/alerts/99999');
      assert.equal(res.status, 404);
      assert.equal(res.body.detail, 'Alert not found');
    });

    it('includes the current stock price in every alert', async () => {
      const api = await app.authenticatedClient();
      await api.post('/alerts', { symbol: 'AAPL', target_price: 200.0, condition: 'above' });
      await api.post('/alerts', { symbol: 'NVDA', target_price: 500.0, condition: 'below' });

      const res = await api.get<AlertJson[]>('/alerts');
      assert.equal(res.status, 200);
      assert.equal(res.body.length, 2);
      for (const alert of res.body) {
        assert.equal(typeof alert.current_price, 'number');
        assert.ok((alert.current_price ?? 0) > 0);
      }
    });
  });

  describe('delete alert', () => {
    it('deletes an alert', async () => {
      const api = await app.authenticatedClient();
      const created = await api.post<AlertJson>('/alerts', { symbol: 'AAPL', target_price: 200.0, condition: 'above' });
      const alertId = created.body.id;

      const res = await api.delete(`/alerts/${alertId}`);
      assert.equal(res.status, 204);

      const after = await api.get(`/alerts/${alertId}`);
      assert.equal(after.status, 404);
    });

    it('returns 404 when deleting an alert that does not exist', async () => {
      const api = await app.authenticatedClient();
      const res = await api.delete<ErrorJson>('/alerts/99999');
      assert.equal(res.status, 404);
      assert.equal(res.body.detail, 'Alert not found');
    });
  });

  describe('trigger alerts', () => {
    it('triggers an "above" alert when the price is at or above the target', async () => {
      const api = await app.authenticatedClient();
      const price = (await api.get<StockJson>('/stocks/AAPL')).body.current_price;

      // Target below the current price, so "above" is already satisfied.
      await api.post('/alerts', { symbol: 'AAPL', target_price: price - 10, condition: 'above' });

      const res = await api.post<AlertJson[]>('/alerts/check');
      assert.equal(res.status, 200);
      assert.equal(res.body.length, 1);
      assert.equal(res.body[0].is_triggered, true);
      assert.notEqual(res.body[0].triggered_at, null);
    });

    it('triggers a "below" alert when the price is at or below the target', async () => {
      const api = await app.authenticatedClient();
      const price = (await api.get<StockJson>('/stocks/AAPL')).body.current_price;

      // Target above the current price, so "below" is already satisfied.
      await api.post('/alerts', { symbol: 'AAPL', target_price: price + 10, condition: 'below' });

      const res = await api.post<AlertJson[]>('/alerts/check');
      assert.equal(res.status, 200);
      assert.equal(res.body.length, 1);
      assert.equal(res.body[0].is_triggered, true);
    });

    it('does not trigger an alert whose condition is not met', async () => {
      const api = await app.authenticatedClient();
      const price = (await api.get<StockJson>('/stocks/AAPL')).body.current_price;
      await api.post('/alerts', { symbol: 'AAPL', target_price: price + 1000, condition: 'above' });

      const res = await api.post<AlertJson[]>('/alerts/check');
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, []);
    });

    it('does not trigger an already triggered alert again', async () => {
      const api = await app.authenticatedClient();
      const price = (await api.get<StockJson>('/stocks/AAPL')).body.current_price;
      await api.post('/alerts', { symbol: 'AAPL', target_price: price - 10, condition: 'above' });

      const first = await api.post<AlertJson[]>('/alerts/check');
      assert.equal(first.status, 200);
      assert.equal(first.body.length, 1);

      const second = await api.post<AlertJson[]>('/alerts/check');
      assert.equal(second.status, 200);
      assert.equal(second.body.length, 0);
    });

    it('excludes triggered alerts when active_only=true', async () => {
      const api = await app.authenticatedClient();
      const price = (await api.get<StockJson>('/stocks/AAPL')).body.current_price;
      const fires = await api.post<AlertJson>('/alerts', { symbol: 'AAPL', target_price: price - 10, condition: 'above' });
      const waits = await api.post<AlertJson>('/alerts', { symbol: 'AAPL', target_price: price + 1000, condition: 'above' });

      const checked = await api.post<AlertJson[]>('/alerts/check');
      assert.deepEqual(
        checked.body.map((alert) => alert.id),
        [fires.body.id],
      );

      const active = await api.get<AlertJson[]>('/alerts?active_only=true');
      assert.equal(active.status, 200);
      assert.deepEqual(
        active.body.map((alert) => alert.id),
        [waits.body.id],
      );

      const all = await api.get<AlertJson[]>('/alerts?active_only=false');
      assert.equal(all.body.length, 2);
    });
  });

  describe('ownership', () => {
    it("hides another user's alerts", async () => {
      const owner = await app.authenticatedClient();
      const created = await owner.post<AlertJson>('/alerts', { symbol: 'AAPL', target_price: 200.0, condition: 'above' });
      assert.equal(created.status, 201);

      const other = await app.registerAndLogin({ email: 'other@example.com', username: 'otheruser', password: 'otherpassword123' });
      assert.equal((await other.get(`/alerts/${created.body.id}`)).status, 404);
      assert.equal((await other.delete(`/alerts/${created.body.id}`)).status, 404);
      assert.deepEqual((await other.get('/alerts')).body, []);

      // The owner still has it.
      assert.equal((await owner.get(`/alerts/${created.body.id}`)).status, 200);
    });
  });
});
