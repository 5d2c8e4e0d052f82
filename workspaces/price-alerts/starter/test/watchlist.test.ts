import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useTestApp, type ErrorJson, type WatchlistItemJson } from './helpers';

describe('watchlist', () => {
  const app = useTestApp();

  it('is empty for a new user', async () => {
    const api = await app.authenticatedClient();
    const res = await api.get('/watchlist');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, []);
  });

  it('adds a stock', async () => {
    const api = await app.authenticatedClient();
    const res = await api.post<WatchlistItemJson>('/watchlist', { symbol: 'AAPL' });
    assert.equal(res.status, 201);
    assert.equal(res.body.symbol, 'AAPL');
    assert.ok('current_price' in res.body);
    assert.ok('id' in res.body);
  });

  it('adds several stocks', async () => {
    const api = await app.authenticatedClient();
    for (const symbol of ['AAPL', 'GOOGL', 'MSFT']) await api.post('/watchlist', { symbol });
    const res = await api.get<WatchlistItemJson[]>('/watchlist');
    assert.equal(res.status, 200);
    assert.equal(res.body.length, 3);
    const symbols = res.body.map((item) => item.symbol);
    for (const symbol of ['AAPL', 'GOOGL', 'MSFT']) assert.ok(symbols.includes(symbol));
  });

  it('rejects a duplicate', async () => {
    const api = await app.authenticatedClient();
    await api.post('/watchlist', { symbol: 'AAPL' });
    const res = await api.post<ErrorJson>('/watchlist', { symbol: 'AAPL' });
    assert.equal(res.status, 400);
    assert.match(res.body.detail, /already in your watchlist/);
  });

  it('returns 404 for an unknown stock', async () => {
    const api = await app.authenticatedClient();
    const res = await api.post('/watchlist', { symbol: 'INVALID' });
    assert.equal(res.status, 404);
  });

  it('removes a stock', async () => {
    const api = await app.authenticatedClient();
    await api.post('/watchlist', { symbol: 'TSLA' });
    const res = await api.delete('/watchlist/TSLA');
    assert.equal(res.status, 204);
    const list = await api.get<WatchlistItemJson[]>('/watchlist');
    assert.ok(!list.body.map((item) => item.symbol).includes('TSLA'));
  });

  it('returns 404 when removing a stock that is not listed', async () => {
    const api = await app.authenticatedClient();
    const res = await api.delete('/watchlist/AAPL');
    assert.equal(res.status, 404);
  });

  it('treats symbols case-insensitively', async () => {
    const api = await app.authenticatedClient();
    const added = await api.post<WatchlistItemJson>('/watchlist', { symbol: 'aapl' });
    assert.equal(added.status, 201);
    assert.equal(added.body.symbol, 'AAPL');
    const duplicate = await api.post('/watchlist', { symbol: 'AAPL' });
    assert.equal(duplicate.status, 400);
  });

  it('includes price data', async () => {
    const api = await app.authenticatedClient();
    await api.post('/watchlist', { symbol: 'NVDA' });
    const res = await api.get<WatchlistItemJson[]>('/watchlist');
    const item = res.body[0];
    assert.ok('current_price' in item);
    assert.ok('change' in item);
    assert.ok('change_percent' in item);
    assert.ok((item.current_price ?? 0) > 0);
  });
});
