/**
 * broker_down under generated traffic, on the reference solution: writes keep succeeding while
 * every connection to the MQTT broker is refused (the events wait in the outbox), and once the
 * broker is back the read model holds every event of the store — 0 missing — and the balances of
 * a replay.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { cliEnv, controlClient, eventually, scaffold, startUp, suiteCleanup, tempDir } from 'faultline/testing';

function rows<T>(file: string, sql: string): T[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

describe('ledger: broker_down under traffic (reference)', () => {
  const t = suiteCleanup();
  const env = cliEnv(tempDir(t, 'faultline-home-'));

  it('loses no event: after the broker is back the read model equals a replay of the event store', async () => {
    const dir = await scaffold(t, 'ledger', { solution: 'reference', env });
    const up = await startUp(t, dir, { env, stateFile: path.join(tempDir(t, 'faultline-state-'), 'state.json') });
    const control = controlClient(up.state, 60_000);
    const commands = up.state.services['commands']?.url ?? '';
    const events = path.join(dir, 'data', 'events.db');
    const readModel = path.join(dir, 'data', 'read-model.db');

    // Generated traffic: deposits, withdrawals and transfers between the seeded accounts, four at a time.
    const accounts = Array.from({ length: 10 }, (_, i) => `SIM-ACC-${String(i + 1).padStart(3, '0')}`);
    let n = 0;
    const statuses: Record<number, number> = {};
    const traffic = async (count: number) => {
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          for (let i = 0; i < count / 4; i++) {
            const k = n++;
            const a = accounts[k % 10] as string;
            const b = accounts[(k + 3) % 10] as string;
            const [kind, body] =
              k % 3 === 0
                ? ['deposit', { account_id: a, amount: 10 + (k % 7) }]
                : k % 3 === 1
                  ? ['withdraw', { account_id: a, amount: 1 + (k % 5) }]
                  : ['transfer', { from_account_id: a, to_account_id: b, amount: 2 }];
            const res = await fetch(`${commands}/commands/${kind}`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(body),
            });
            statuses[res.status] = (statuses[res.status] ?? 0) + 1;
            await res.arrayBuffer();
          }
        }),
      );
    };

    await traffic(40);
    await control.chaosActivate({ mode: 'broker_down' });
    await traffic(80);
    const pending = rows<{ n: number }>(events, 'SELECT COUNT(*) AS n FROM outbox WHERE published_at IS NULL')[0]?.n ?? 0;
    assert.ok(pending > 0, 'events written during the outage wait in the outbox (the broker was unreachable)');
    const reset = await control.chaosReset({});
    assert.deepEqual(reset.failed, []);
    await traffic(20);
    assert.deepEqual(Object.keys(statuses), ['201'], `every write succeeded: ${JSON.stringify(statuses)}`);

    const missing = () =>
      rows<{ event_id: string }>(events, 'SELECT event_id FROM events').filter((e) => !processed().has(e.event_id)).length;
    const processed = () => new Set(rows<{ event_id: string }>(readModel, 'SELECT event_id FROM processed_events').map((r) => r.event_id));
    await eventually(() => missing() === 0, 15_000, 'every event of the store in the read model');
    assert.equal(missing(), 0);

    // The balances equal a replay of the event store.
    const replay = new Map<string, number>();
    for (const e of rows<{ aggregate_id: string; event_type: string; data: string }>(
      events,
      'SELECT aggregate_id, event_type, data FROM events ORDER BY seq',
    )) {
      const data = JSON.parse(e.data) as { amount?: number; initial_balance?: number };
      const cents = Math.round(((e.event_type === 'AccountCreated' ? data.initial_balance : data.amount) ?? 0) * 100);
      replay.set(e.aggregate_id, (replay.get(e.aggregate_id) ?? 0) + (e.event_type === 'MoneyWithdrawn' ? -cents : cents));
    }
    const read = new Map(
      rows<{ account_id: string; balance_cents: number }>(readModel, 'SELECT account_id, balance_cents FROM accounts').map((r) => [
        r.account_id,
        r.balance_cents,
      ]),
    );
    assert.deepEqual(read, replay);
  });
});
