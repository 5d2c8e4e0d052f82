/** The commands: validate against the account's state, then append events and publish them. */
import { randomUUID } from 'node:crypto';
import { HttpError } from '../../shared/http';
import type { StoredEvent } from '../../shared/events';
import { formatCents, fromCents } from '../../shared/money';
import { fold, type AccountState } from './accounts';
import type { Publisher } from './publisher';
import type { EventStore, NewEvent } from './store';

export interface Movement {
  account_id: string;
  cents: number;
  description?: string | undefined;
  currency?: string | undefined;
}

export class Ledger {
  constructor(
    readonly store: EventStore,
    private readonly publisher: Publisher,
  ) {}

  account(id: string): AccountState | undefined {
    return fold(this.store.load(id));
  }

  private require(id: string): AccountState {
    const account = this.account(id);
    if (!account) throw new HttpError(404, `Account ${id} not found`);
    return account;
  }

  private commit(events: NewEvent[]): StoredEvent[] {
    const stored = this.store.append(events);
    this.publisher.publish(stored);
    return stored;
  }

  createAccount(input: { account_id: string; owner_name: string; initial_cents: number; currency: string }): StoredEvent {
    if (this.account(input.account_id)) throw new HttpError(409, `Account ${input.account_id} already exists`);
    const [event] = this.commit([
      {
        aggregate_id: input.account_id,
        version: 1,
        event_type: 'AccountCreated',
        event_version: 2,
        data: { owner_name: input.owner_name, initial_balance: fromCents(input.initial_cents), currency: input.currency },
      },
    ]);
    return event;
  }

  deposit(m: Movement): { event: StoredEvent; balance_cents: number } {
    const account = this.require(m.account_id);
    checkCurrency(account, m.currency);
    const [event] = this.commit([
      {
        aggregate_id: account.account_id,
        version: account.version + 1,
        event_type: 'MoneyDeposited',
        event_version: 2,
        data: { amount: fromCents(m.cents), currency: account.currency, ...(m.description ? { description: m.description } : {}) },
      },
    ]);
    return { event: event, balance_cents: account.balance_cents + m.cents };
  }

  withdraw(m: Movement): { event: StoredEvent; balance_cents: number } {
    const account = this.require(m.account_id);
    checkCurrency(account, m.currency);
    checkFunds(account, m.cents);
    const [event] = this.commit([
      {
        aggregate_id: account.account_id,
        version: account.version + 1,
        event_type: 'MoneyWithdrawn',
        event_version: 2,
        data: { amount: fromCents(m.cents), currency: account.currency, ...(m.description ? { description: m.description } : {}) },
      },
    ]);
    return { event: event, balance_cents: account.balance_cents - m.cents };
  }

  transfer(input: { from: string; to: string; cents: number; description?: string | undefined }): {
    transfer_id: string;
    events: StoredEvent[];
  } {
    if (input.from === input.to) throw new HttpError(400, 'from_account_id and to_account_id must differ');
    const from = this.require(input.from);
    const to = this.require(input.to);
    if (from.currency !== to.currency) throw new HttpError(422, `Currency mismatch: ${from.currency} → ${to.currency}`);
    checkFunds(from, input.cents);
    const transfer_id = randomUUID();
    const amount = fromCents(input.cents);
    const description = input.description ? { description: input.description } : {};
    const events = this.commit([
      {
        aggregate_id: from.account_id,
        version: from.version + 1,
        event_type: 'MoneyWithdrawn',
        event_version: 2,
        data: { amount, currency: from.currency, transfer_id, to_account_id: to.account_id, ...description },
      },
      {
        aggregate_id: to.account_id,
        version: to.version + 1,
        event_type: 'MoneyDeposited',
        event_version: 2,
        data: { amount, currency: to.currency, transfer_id, from_account_id: from.account_id, ...description },
      },
    ]);
    return { transfer_id, events };
  }
}

export function checkFunds(account: AccountState, cents: number): void {
  if (account.balance_cents < cents) {
    throw new HttpError(422, `Insufficient funds. Current balance: ${formatCents(account.balance_cents)}, Required: ${formatCents(cents)}`);
  }
}

export function checkCurrency(account: AccountState, currency: string | undefined): void {
  if (currency !== undefined && currency !== account.currency) {
    throw new HttpError(422, `Account ${account.account_id} holds ${account.currency}, not ${currency}`);
  }
}
