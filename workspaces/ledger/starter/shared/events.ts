/**
 * Events as the event store keeps them and the broker carries them. `data` is the payload of the
 * event type at its `event_version`; amounts are numbers with two decimals.
 *
 *   AccountCreated  v2 {owner_name, initial_balance, currency}
 *   MoneyDeposited  v2 {amount, currency, description?, transfer_id?, from_account_id?}
 *                   v1 {amount, description?}            (written before currencies existed)
 *   MoneyWithdrawn  v2 {amount, currency, description?, transfer_id?, to_account_id?}
 */
export interface StoredEvent {
  /** Global position in the event store (1, 2, 3…). */
  seq: number;
  event_id: string;
  /** The account id. */
  aggregate_id: string;
  /** Position of the event within its account (1 for AccountCreated). */
  version: number;
  event_type: string;
  event_version: number;
  data: Record<string, unknown>;
  /** ISO 8601, UTC. */
  created_at: string;
}

/** Every event is published on `ledger/events/<account id>`. */
export const EVENTS_TOPIC = 'ledger/events';

export function topicFor(event: StoredEvent): string {
  return `${EVENTS_TOPIC}/${event.aggregate_id}`;
}
