/** The brief's invariants: write these tests as you make each one hold. */
import { describe, it } from 'node:test';

describe('invariants', () => {
  it.todo('(a) two appends of the same account version: the second is refused');
  it.todo('(a) concurrent withdrawals never take an account below zero');
  it.todo('(b) a redelivered event does not change the balance again');
  it.todo('(d) a v1 MoneyDeposited without currency is applied as USD');
  it.todo('(e) rebuilding the read model twice gives the same balances');
});
