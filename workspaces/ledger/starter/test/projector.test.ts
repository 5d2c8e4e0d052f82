import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { event, get, readSide } from './helpers';

describe('projection and query API', () => {
  it('builds balances and a newest-first history from events', async () => {
    const { url, projection } = await readSide();
    projection.apply(
      event({
        aggregate_id: 'A-1',
        version: 1,
        event_type: 'AccountCreated',
        data: { owner_name: 'Alice', initial_balance: 100, currency: 'USD' },
      }),
    );
    projection.apply(event({ aggregate_id: 'A-1', version: 2, event_type: 'MoneyDeposited', data: { amount: 50, currency: 'USD' } }));
    projection.apply(event({ aggregate_id: 'A-1', version: 3, event_type: 'MoneyWithdrawn', data: { amount: 20.25, currency: 'USD' } }));
    const account = await get(url, '/accounts/A-1');
    assert.equal(account.body['balance'], '129.75');
    const history = await get(url, '/accounts/A-1/transactions');
    assert.equal(history.body['total'], 3);
    assert.deepEqual(
      (history.body['transactions'] as { type: string }[]).map((t) => t.type),
      ['withdrawal', 'deposit', 'open'],
    );
  });

  it('answers the balance at a moment in the past', async () => {
    const { url, projection } = await readSide();
    const created = event({
      aggregate_id: 'A-1',
      version: 1,
      event_type: 'AccountCreated',
      data: { owner_name: 'A', initial_balance: 10, currency: 'USD' },
    });
    projection.apply(created);
    projection.apply(event({ aggregate_id: 'A-1', version: 2, event_type: 'MoneyDeposited', data: { amount: 5, currency: 'USD' } }));
    assert.equal((await get(url, `/accounts/A-1/balance-at?timestamp=${created.created_at}`)).body['balance'], '10.00');
    const before = await get(url, '/accounts/A-1/balance-at?timestamp=2000-01-01T00:00:00Z');
    assert.deepEqual([before.status, before.body['error']], [404, 'Account did not exist at this time']);
  });

  it('knows its position', async () => {
    const { projection } = await readSide();
    const e = event({
      aggregate_id: 'A-1',
      version: 1,
      event_type: 'AccountCreated',
      data: { owner_name: 'A', initial_balance: 0, currency: 'USD' },
    });
    projection.apply(e);
    assert.equal(projection.position(), e.seq);
  });
});
