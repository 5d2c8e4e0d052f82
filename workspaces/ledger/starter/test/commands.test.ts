import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commands, get, post } from './helpers';

describe('command API', () => {
  it('creates an account and publishes its event', async () => {
    const { url, published } = await commands();
    const r = await post(url, '/commands/create-account', {
      account_id: 'A-1',
      owner_name: 'Alice',
      initial_balance: 100,
      currency: 'USD',
    });
    assert.equal(r.status, 201);
    assert.equal(r.body['success'], true);
    assert.equal(typeof r.body['event_id'], 'string');
    assert.deepEqual(
      published.map((e) => [e.aggregate_id, e.event_type, e.version]),
      [['A-1', 'AccountCreated', 1]],
    );
  });

  it('refuses a second account with the same id (409)', async () => {
    const { url } = await commands();
    await post(url, '/commands/create-account', { account_id: 'A-1', owner_name: 'Alice', initial_balance: 0, currency: 'USD' });
    const r = await post(url, '/commands/create-account', { account_id: 'A-1', owner_name: 'Alice', initial_balance: 0, currency: 'USD' });
    assert.equal(r.status, 409);
  });

  it('deposits and withdraws, with 422 on insufficient funds', async () => {
    const { url } = await commands();
    await post(url, '/commands/create-account', { account_id: 'A-1', owner_name: 'Alice', initial_balance: 100, currency: 'USD' });
    assert.equal((await post(url, '/commands/deposit', { account_id: 'A-1', amount: 25.5 })).body['balance'], '125.50');
    const poor = await post(url, '/commands/withdraw', { account_id: 'A-1', amount: 200 });
    assert.equal(poor.status, 422);
    assert.equal(poor.body['error'], 'Insufficient funds. Current balance: 125.50, Required: 200.00');
  });

  it('transfers atomically: two events, one transfer id', async () => {
    const { url, store } = await commands();
    await post(url, '/commands/create-account', { account_id: 'A-1', owner_name: 'Alice', initial_balance: 100, currency: 'USD' });
    await post(url, '/commands/create-account', { account_id: 'B-1', owner_name: 'Bob', initial_balance: 0, currency: 'USD' });
    const r = await post(url, '/commands/transfer', { from_account_id: 'A-1', to_account_id: 'B-1', amount: 30 });
    assert.equal(r.status, 201);
    assert.equal((r.body['events'] as unknown[]).length, 2);
    const transfers = [...store.load('A-1'), ...store.load('B-1')].filter((e) => e.data['transfer_id'] === r.body['transfer_id']);
    assert.deepEqual(transfers.map((e) => e.event_type).sort(), ['MoneyDeposited', 'MoneyWithdrawn']);
  });

  it('answers bad input with a clear 4xx and writes nothing', async () => {
    const { url, store } = await commands();
    await post(url, '/commands/create-account', { account_id: 'A-1', owner_name: 'Alice', initial_balance: 10, currency: 'USD' });
    const before = store.count();
    for (const [body, status] of [
      ['{"account_id": ', 400],
      [{ account_id: 'A-1', amount: -1 }, 400],
      [{ account_id: 'A-1', amount: 'ten' }, 400],
      [{ account_id: 'A-1', amount: 1e15 }, 400],
      [{ account_id: 'NOPE', amount: 1 }, 404],
    ] as const) {
      const r = await post(url, '/commands/deposit', body);
      assert.equal(r.status, status, JSON.stringify(body));
      assert.equal(typeof r.body['error'], 'string');
    }
    assert.equal((await post(url, '/commands/create-account', { account_id: 'C-1', owner_name: 'C', currency: 'XYZ' })).status, 400);
    assert.equal(store.count(), before);
  });

  it('lists the event store', async () => {
    const { url } = await commands();
    await post(url, '/commands/create-account', { account_id: 'A-1', owner_name: 'Alice', initial_balance: 10, currency: 'USD' });
    const r = await get(url, '/events?after=0&limit=10');
    assert.equal((r.body['events'] as unknown[]).length, 1);
  });
});
