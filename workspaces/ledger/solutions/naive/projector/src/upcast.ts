/**
 * Upcasting: old events are read as the current version, never rewritten in the store.
 * v1 (before currencies): AccountCreated and MoneyDeposited/MoneyWithdrawn had no `currency`; every
 * account was in USD then.
 */
import type { StoredEvent } from '../../shared/events';

export const CURRENT_VERSION = 2;

export function upcast(event: StoredEvent): StoredEvent {
  if (event.event_version >= CURRENT_VERSION) return event;
  switch (event.event_type) {
    case 'AccountCreated':
    case 'MoneyDeposited':
    case 'MoneyWithdrawn':
      return { ...event, event_version: CURRENT_VERSION, data: { ...event.data, currency: event.data['currency'] ?? 'USD' } };
    default:
      return event;
  }
}
