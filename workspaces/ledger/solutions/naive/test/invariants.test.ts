/** The brief's invariants. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Projection } from '../projector/src/projection';
import { openReadModel } from '../projector/src/readModel';
import { event } from './helpers';

function balance(projection: Projection, id: string): number {
  return (projection.db.prepare('SELECT balance_cents FROM accounts WHERE account_id = ?').get(id) as { balance_cents: number })
    .balance_cents;
}

const created = (id: string, initial: number) =>
  event({
    aggregate_id: id,
    version: 1,
    event_type: 'AccountCreated',
    data: { owner_name: id, initial_balance: initial, currency: 'USD' },
  });

describe('invariants', () => {
  it('(b) a redelivered event does not change the balance again', () => {
    const projection = new Projection(openReadModel(':memory:'));
    projection.apply(created('A-1', 0));
    const deposit = event({ aggregate_id: 'A-1', version: 2, event_type: 'MoneyDeposited', data: { amount: 100, currency: 'USD' } });
    projection.apply(deposit);
    projection.apply(deposit);
    assert.equal(balance(projection, 'A-1'), 10_000);
  });

  it('(d) a v1 MoneyDeposited without currency is applied as USD', () => {
    const projection = new Projection(openReadModel(':memory:'));
    projection.apply(
      event({
        aggregate_id: 'L-1',
        version: 1,
        event_type: 'AccountCreated',
        event_version: 1,
        data: { owner_name: 'L', initial_balance: 250 },
      }),
    );
    projection.apply(event({ aggregate_id: 'L-1', version: 2, event_type: 'MoneyDeposited', event_version: 1, data: { amount: 50 } }));
    assert.equal(balance(projection, 'L-1'), 30_000);
    assert.equal(
      (projection.db.prepare("SELECT currency FROM accounts WHERE account_id = 'L-1'").get() as { currency: string }).currency,
      'USD',
    );
  });

  it('(e) rebuilding the read model twice gives the same balances', () => {
    const projection = new Projection(openReadModel(':memory:'));
    const events = [
      created('A-1', 10),
      event({ aggregate_id: 'A-1', version: 2, event_type: 'MoneyDeposited', data: { amount: 5, currency: 'USD' } }),
      event({ aggregate_id: 'A-1', version: 3, event_type: 'MoneyWithdrawn', data: { amount: 2, currency: 'USD' } }),
    ];
    for (const e of events) projection.apply(e);
    projection.db.prepare("UPDATE accounts SET balance_cents = 999999900 WHERE account_id = 'A-1'").run();
    projection.rebuild(events);
    assert.equal(balance(projection, 'A-1'), 1_300);
    projection.rebuild(events);
    assert.equal(balance(projection, 'A-1'), 1_300);
    assert.equal(projection.position(), events[2]?.seq);
  });
});
