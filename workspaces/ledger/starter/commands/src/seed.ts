/** Seed data: SIM-ACC-001…010 (1,000–10,000) and DEMO-001 (1,000), written once into an empty store. */
import type { EventStore, NewEvent } from './store';

export function seedEvents(): NewEvent[] {
  const accounts = [
    ...Array.from({ length: 10 }, (_, i) => ({
      id: `SIM-ACC-${String(i + 1).padStart(3, '0')}`,
      owner: `Simulated Customer ${i + 1}`,
      balance: (i + 1) * 1000,
    })),
    { id: 'DEMO-001', owner: 'Test User', balance: 1000 },
  ];
  return accounts.map((a) => ({
    aggregate_id: a.id,
    version: 1,
    event_type: 'AccountCreated',
    event_version: 2,
    data: { owner_name: a.owner, initial_balance: a.balance, currency: 'USD' },
  }));
}

/** Seeds an empty store (one transaction, so two replicas starting together seed once). */
export function seed(store: EventStore): number {
  return store.db
    .transaction(() => {
      if (store.count() > 0) return 0;
      return store.append(seedEvents()).length;
    })
    .immediate();
}
