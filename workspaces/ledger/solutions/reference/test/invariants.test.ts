/** The brief's invariants. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { Ledger } from '../commands/src/ledger';
import { EventStore, openDatabase } from '../commands/src/store';
import { Projection } from '../projector/src/projection';
import { openReadModel } from '../projector/src/readModel';
import { event, recordingPublisher } from './helpers';

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
  it('(a) two appends of the same account version: the second is refused', () => {
    const store = new EventStore(openDatabase(':memory:'));
    const e = {
      aggregate_id: 'A-1',
      version: 1,
      event_type: 'AccountCreated',
      event_version: 2,
      data: { owner_name: 'A', initial_balance: 10, currency: 'USD' },
    };
    store.append([e]);
    assert.throws(() => store.append([e]));
    assert.equal(store.count(), 1);
  });

  it('(a) concurrent withdrawals never take an account below zero (two replicas, one store)', () => {
    const dir = path.join('data', `test-${process.pid}-${Date.now()}`);
    fs.mkdirSync(dir, { recursive: true });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'events.db');
    const one = new Ledger(new EventStore(openDatabase(file)), recordingPublisher());
    const two = new Ledger(new EventStore(openDatabase(file)), recordingPublisher());
    one.createAccount({ account_id: 'A-1', owner_name: 'A', initial_cents: 10_000, currency: 'USD' });
    // Replica two decided on a stale read: its append of the same version must be refused.
    const stale = two.account('A-1');
    one.withdraw({ account_id: 'A-1', cents: 8_000 });
    assert.throws(() =>
      two.store.append([
        {
          aggregate_id: 'A-1',
          version: (stale?.version ?? 0) + 1,
          event_type: 'MoneyWithdrawn',
          event_version: 2,
          data: { amount: 80, currency: 'USD' },
        },
      ]),
    );
    assert.throws(() => two.withdraw({ account_id: 'A-1', cents: 8_000 }), /Insufficient funds/);
    assert.equal(two.account('A-1')?.balance_cents, 2_000);
  });

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
