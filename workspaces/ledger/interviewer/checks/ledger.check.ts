/** The ledger's hidden checks: the wire contract, then each invariant under its chaos mode. */
import type { DeclareChecks } from 'faultline/checks';
import {
  accountId,
  call,
  type Reply,
  cents,
  createAccount,
  mismatches,
  money,
  readBalance,
  replay,
  storeAccounts,
  within,
} from './support';

const checks: DeclareChecks = (check) => {
  check(
    'e2e-flow',
    { title: "The original's end-to-end flow: Alice, Bob, a transfer, balance-at", kind: 'functional', timeoutMs: 30_000 },
    async (t) => {
      const alice = accountId(t, 'ALICE');
      const bob = accountId(t, 'BOB');
      await createAccount(t, alice, 0, 'Alice');
      await createAccount(t, bob, 0, 'Bob');
      t.expect(
        (await call(t, 'commands', 'POST', '/commands/deposit', { account_id: alice, amount: 1000 })).status,
        201,
        'Alice deposits 1000',
      );
      if (!(await within(5000, async () => (await readBalance(t, alice)) === 100_000)))
        t.fail("Alice's deposit of 1000 did not reach the read model within 5 s");
      const snapshot = new Date().toISOString();
      // The next events must be strictly later than the snapshot (timestamps have millisecond precision).
      while (new Date().toISOString() <= snapshot) await new Promise((r) => setTimeout(r, 1));
      const transfer = await call(t, 'commands', 'POST', '/commands/transfer', { from_account_id: alice, to_account_id: bob, amount: 300 });
      t.expect(transfer.status, 201, 'POST /commands/transfer');
      t.expect(typeof transfer.body['transfer_id'], 'string', 'transfer_id in the answer');
      t.expect(
        Array.isArray(transfer.body['events']) ? (transfer.body['events'] as unknown[]).length : -1,
        2,
        'the transfer wrote two events',
      );
      t.expect((await call(t, 'commands', 'POST', '/commands/withdraw', { account_id: bob, amount: 50 })).status, 201, 'Bob withdraws 50');
      const settled = await within(5000, async () => (await readBalance(t, alice)) === 70_000 && (await readBalance(t, bob)) === 25_000);
      const a = await call(t, 'queries', 'GET', `/accounts/${alice}`);
      const b = await call(t, 'queries', 'GET', `/accounts/${bob}`);
      if (!settled)
        t.fail('balances after the transfer and the withdrawal', {
          expected: { alice: '700.00', bob: '250.00' },
          actual: { alice: a.body['balance'], bob: b.body['balance'] },
        });
      t.expect(a.body['balance'], '700.00', 'Alice\'s balance is the string "700.00"');
      const at = await call(t, 'queries', 'GET', `/accounts/${alice}/balance-at?timestamp=${encodeURIComponent(snapshot)}`);
      t.expect([at.status, at.body['balance']], [200, '1000.00'], "Alice's balance at the snapshot (before the transfer)");
      const before = await call(t, 'queries', 'GET', `/accounts/${alice}/balance-at?timestamp=2000-01-01T00:00:00Z`);
      t.expect([before.status, before.body['error']], [404, 'Account did not exist at this time'], 'balance-at before the account existed');
    },
  );

  check(
    'contract',
    {
      title: '409 duplicate account, 422 insufficient funds, 404 unknown account, history newest first',
      kind: 'functional',
      timeoutMs: 30_000,
    },
    async (t) => {
      const id = accountId(t, 'CONTRACT');
      await createAccount(t, id, 100);
      t.expect(
        (
          await call(t, 'commands', 'POST', '/commands/create-account', {
            account_id: id,
            owner_name: 'Again',
            initial_balance: 1,
            currency: 'USD',
          })
        ).status,
        409,
        'creating the same account twice',
      );
      const poor = await call(t, 'commands', 'POST', '/commands/withdraw', { account_id: id, amount: 150 });
      t.expect(poor.status, 422, 'withdrawing more than the balance');
      if (!/^Insufficient funds\. Current balance: 100\.00, Required: 150\.00$/.test(String(poor.body['error'])))
        t.fail('the 422 message', {
          expected: 'Insufficient funds. Current balance: 100.00, Required: 150.00',
          actual: poor.body['error'],
        });
      t.expect(
        (await call(t, 'commands', 'POST', '/commands/deposit', { account_id: `${id}-NOPE`, amount: 5 })).status,
        404,
        'depositing into an unknown account',
      );
      t.expect((await call(t, 'queries', 'GET', `/accounts/${id}-NOPE`)).status, 404, 'GET /accounts/<unknown>');
      t.expect(
        (await call(t, 'commands', 'POST', '/commands/deposit', { account_id: id, amount: 7, description: 'second' })).status,
        201,
        'deposit 7',
      );
      if (!(await within(5000, async () => (await readBalance(t, id)) === 10_700)))
        t.fail('the deposit did not reach the read model within 5 s');
      const history = await call(t, 'queries', 'GET', `/accounts/${id}/transactions`);
      const txs = (history.body['transactions'] ?? []) as { amount?: unknown }[];
      t.expect(
        [history.status, history.body['account_id'], history.body['total'], txs[0]?.amount],
        [200, id, 2, '7.00'],
        'transactions: newest first, with the total',
      );
      const events = await call(t, 'commands', 'GET', '/events?limit=3');
      t.expect(
        [events.status, Array.isArray(events.body['events']) && (events.body['events'] as unknown[]).length <= 3],
        [200, true],
        'GET /events?limit=3',
      );
    },
  );

  check('bad-input', { title: 'Bad input gets a clear 4xx and writes no event', kind: 'functional', timeoutMs: 30_000 }, async (t) => {
    const id = accountId(t, 'BAD');
    await createAccount(t, id, 50);
    const before = (await replay(t)).events;
    const cases: [string, string, unknown, number][] = [
      ['malformed JSON', '/commands/deposit', '{"account_id": "x", "amount": ', 400],
      ['a JSON array', '/commands/deposit', '[1,2]', 400],
      ['a negative amount', '/commands/deposit', { account_id: id, amount: -5 }, 400],
      ['a zero amount', '/commands/withdraw', { account_id: id, amount: 0 }, 400],
      ['a huge amount', '/commands/deposit', { account_id: id, amount: 1e15 }, 400],
      ['a non-numeric amount', '/commands/deposit', { account_id: id, amount: 'lots' }, 400],
      ['a missing amount', '/commands/withdraw', { account_id: id }, 400],
      ['an unknown account', '/commands/withdraw', { account_id: `${id}-NOPE`, amount: 1 }, 404],
      [
        'an unknown currency',
        '/commands/create-account',
        { account_id: `${id}-X`, owner_name: 'X', initial_balance: 1, currency: 'XYZ' },
        400,
      ],
      ['a transfer to an unknown account', '/commands/transfer', { from_account_id: id, to_account_id: `${id}-NOPE`, amount: 1 }, 404],
    ];
    const wrong: string[] = [];
    for (const [what, path, body, status] of cases) {
      const r = await call(t, 'commands', 'POST', path, body);
      if (r.status !== status || typeof r.body['error'] !== 'string')
        wrong.push(`${what}: ${r.status} ${JSON.stringify(r.body).slice(0, 120)} (expected ${status} with {error})`);
    }
    if (wrong.length > 0) t.fail(`${wrong.length} bad request(s) answered wrongly:\n${wrong.join('\n')}`);
    t.expect((await replay(t)).events, before, 'events in the store after the bad requests (none written)');
    t.expect(
      (await call(t, 'commands', 'POST', '/commands/deposit', { account_id: id, amount: 1 })).status,
      201,
      'a good request still works',
    );
  });

  check(
    'withdrawal-burst',
    {
      title: '100 concurrent $10 withdrawals on $100: exactly 10 succeed, balance 0, never negative',
      kind: 'concurrency',
      chaos: 'withdrawal_burst',
      timeoutMs: 60_000,
    },
    async (t) => {
      const id = accountId(t, 'BURST');
      await createAccount(t, id, 100);
      const replies = await Promise.all(
        Array.from({ length: 100 }, () =>
          call(t, 'commands', 'POST', '/commands/withdraw', { account_id: id, amount: 10 }).catch(() => ({ status: 0, body: {} })),
        ),
      );
      const statuses: Record<string, number> = {};
      for (const r of replies) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      t.log(`statuses: ${JSON.stringify(statuses)}`);
      const truth = await replay(t, id);
      const balance = truth.balances.get(id) ?? NaN;
      const lowest = truth.min.get(id) ?? NaN;
      // Two events claiming the same version of the account: two writers decided on the same state.
      const clashes = await t.query(
        'commands',
        'SELECT version, COUNT(*) AS n FROM events WHERE aggregate_id = ? GROUP BY version HAVING COUNT(*) > 1 ORDER BY version',
        [id],
      );
      if (clashes.length > 0)
        t.fail(
          `lost updates: ${clashes.length} version(s) of the account were written twice (${clashes
            .slice(0, 5)
            .map((c) => `v${String(c['version'])}×${String(c['n'])}`)
            .join(', ')}) — concurrent withdrawals decided on the same state`,
          { expected: 'one event per account version', actual: `${clashes.length} duplicated version(s)` },
        );
      if (lowest < 0)
        t.fail(`the account went negative: its events replay to a lowest balance of ${money(lowest)} (a lost update)`, {
          expected: '>= 0.00',
          actual: money(lowest),
        });
      const unexpected = Object.keys(statuses).filter((s) => !['201', '409', '422'].includes(s));
      if (unexpected.length > 0) t.fail(`answers other than 201/409/422: ${JSON.stringify(statuses)}`);
      t.expect(statuses['201'] ?? 0, 10, 'withdrawals that succeeded');
      t.expect(money(balance), '0.00', 'the final balance (replay of the event store)');
      if (!(await within(5000, async () => (await readBalance(t, id)) === 0))) t.fail('the read model does not show 0.00 within 5 s');
    },
  );

  check(
    'duplicate-delivery',
    {
      title: 'Every message delivered twice: balances unchanged by the duplicates',
      kind: 'chaos',
      chaos: 'duplicate_delivery',
      timeoutMs: 40_000,
    },
    async (t) => {
      const id = accountId(t, 'DUP');
      await createAccount(t, id, 0);
      for (const [kind, amount] of [
        ['deposit', 100],
        ['deposit', 100],
        ['deposit', 100],
        ['withdraw', 50],
      ] as const) {
        t.expect((await call(t, 'commands', 'POST', `/commands/${kind}`, { account_id: id, amount })).status, 201, `${kind} ${amount}`);
      }
      // A last event, on the same topic: once it is applied, every earlier message and its copy were delivered.
      const last = await call(t, 'commands', 'POST', '/commands/deposit', { account_id: id, amount: 0.01, description: 'sentinel' });
      t.expect(last.status, 201, 'deposit 0.01');
      const seen = await within(10_000, async () => {
        const h = await call(t, 'queries', 'GET', `/accounts/${id}/transactions?limit=500`);
        return ((h.body['transactions'] ?? []) as { event_id?: unknown }[]).some((x) => x.event_id === last.body['event_id']);
      });
      if (!seen) t.fail('the last deposit never reached the read model (within 10 s)');
      const stats = await call(t, 'broker', 'GET', '/stats');
      t.log(`broker: ${JSON.stringify(stats.body)}`);
      const wrong = await mismatches(t, [id]);
      if (wrong.length > 0) t.fail(`duplicates changed the read model: ${wrong.join('; ')}`, { expected: '250.01', actual: wrong[0] });
      const history = await call(t, 'queries', 'GET', `/accounts/${id}/transactions?limit=500`);
      t.expect(history.body['total'], 5, 'transactions in the history (each event once)');
    },
  );

  check(
    'broker-down',
    {
      title: 'Broker down under traffic: 0 events missing from the read model 5 s after recovery',
      kind: 'chaos',
      chaos: 'broker_down',
      timing: true,
      timeoutMs: 60_000,
    },
    async (t) => {
      const id = accountId(t, 'OUTAGE');
      await createAccount(t, id, 1000);
      let ok = 0;
      for (let i = 0; i < 20; i++) {
        const r = await call(t, 'commands', 'POST', `/commands/${i % 4 === 3 ? 'withdraw' : 'deposit'}`, { account_id: id, amount: 5 + i });
        if (r.status === 201) ok++;
      }
      t.expect(ok, 20, 'writes that succeeded while the broker was down (the event store does not need the broker)');
      await t.chaos.reset();
      const caughtUp = await within(5000, async () => (await mismatches(t, [id])).length === 0);
      if (!caughtUp) {
        const truth = await replay(t, id);
        const h = await call(t, 'queries', 'GET', `/accounts/${id}/transactions?limit=500`);
        t.fail(`5 s after the broker came back the read model still misses events: ${(await mismatches(t, [id])).join('; ')}`, {
          expected: `${truth.events} event(s) projected`,
          actual: h.status === 200 ? `${String(h.body['total'])} transaction(s)` : `account missing (${h.status})`,
        });
      }
    },
  );

  check(
    'legacy-events',
    {
      title: 'v1 events without currency: the projector survives and balances are right',
      kind: 'chaos',
      chaos: 'legacy_events',
      timeoutMs: 60_000,
    },
    async (t) => {
      const right = await within(20_000, async () => (await readBalance(t, 'LEGACY-001').catch(() => undefined)) === 35_000);
      const r = await call(t, 'queries', 'GET', '/accounts/LEGACY-001').catch((): Reply => ({ status: 0, body: {} }));
      if (!right)
        t.fail('LEGACY-001 after its v1 events were caught up (does the projector crash on them?)', {
          expected: '350.00 USD',
          actual: r.status === 200 ? `${String(r.body['balance'])} ${String(r.body['currency'])}` : `HTTP ${r.status}`,
        });
      t.expect(r.body['currency'], 'USD', 'the v1 account is read as USD');
      // The restarted projector catches up before it listens: wait until it answers through the proxy.
      const up = await within(
        15_000,
        async () => (await call(t, 'projector', 'GET', '/health').catch(() => ({ status: 0 }))).status === 200,
      );
      if (!up) t.fail('the projector does not answer /health after catching up the v1 events (crash loop?)');
      const id = accountId(t, 'AFTER');
      await createAccount(t, id, 42);
      if (!(await within(5000, async () => (await readBalance(t, id)) === 4200)))
        t.fail('new events are no longer projected after the v1 events');
    },
  );

  check(
    'rebuild',
    {
      title: 'After read_model_corruption, a rebuild restores every balance to a replay (and is idempotent)',
      kind: 'chaos',
      chaos: 'read_model_corruption',
      timeoutMs: 60_000,
    },
    async (t) => {
      t.expect(await readBalance(t, 'DEMO-001'), cents(9999999), 'the corrupted balance is visible before the rebuild');
      for (const round of [1, 2]) {
        const r = await call(t, 'projector', 'POST', '/admin/rebuild');
        if (r.status < 200 || r.status > 299)
          t.fail(`POST <projector>/admin/rebuild answered ${r.status} (round ${round}): ${JSON.stringify(r.body).slice(0, 200)}`);
        const accounts = await storeAccounts(t);
        const wrong: string[] = [];
        const fixed = await within(5000, async () => {
          wrong.splice(0, wrong.length, ...(await mismatches(t, accounts)));
          return wrong.length === 0;
        });
        if (!fixed) t.fail(`after rebuild #${round} the read model differs from a replay: ${wrong.slice(0, 5).join('; ')}`);
      }
    },
  );
};
export default checks;
