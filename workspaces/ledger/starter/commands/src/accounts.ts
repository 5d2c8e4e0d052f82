/** An account's state, folded from its events (the write side's view, never the read model). */
import type { StoredEvent } from '../../shared/events';
import { toCents } from '../../shared/money';

export interface AccountState {
  account_id: string;
  owner_name: string;
  currency: string;
  balance_cents: number;
  /** Version of the last event applied (the account's next event has version + 1). */
  version: number;
  created_at: string;
}

export function fold(events: StoredEvent[]): AccountState | undefined {
  let state: AccountState | undefined;
  for (const e of events) {
    if (e.event_type === 'AccountCreated') {
      state = {
        account_id: e.aggregate_id,
        owner_name: text(e.data['owner_name'], ''),
        currency: text(e.data['currency'], 'USD'),
        balance_cents: toCents(e.data['initial_balance'] ?? 0),
        version: e.version,
        created_at: e.created_at,
      };
      continue;
    }
    if (!state) continue;
    if (e.event_type === 'MoneyDeposited') state.balance_cents += toCents(e.data['amount']);
    else if (e.event_type === 'MoneyWithdrawn') state.balance_cents -= toCents(e.data['amount']);
    state.version = Math.max(state.version, e.version);
  }
  return state;
}

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}
