/** Behaviour under each chaos mode: bad data, boundaries, precision, load, races. */
import type { DeclareChecks } from 'faultline/checks';
import { alerts, api, createAlert, ids, login, newUser, noServerError } from './support';

const checks: DeclareChecks = (check) => {
  check(
    'bad-data',
    { title: 'chaos_data: bad prices never cause a 500 and never trigger an alert', kind: 'chaos', chaos: 'chaos_data' },
    async (t) => {
      const token = await newUser(t);
      // Every condition that a garbage price would satisfy if it were taken at face value.
      const cases: [string, number, string][] = [
        ['GOOGL', 100, 'below'], // -50.25
        ['AMZN', 1000, 'below'], // null
        ['TSLA', 10, 'below'], // 0
        ['NVDA', 1000, 'above'], // 999999999999.99
        ['BROKEN', 1, 'above'], // empty name, no price
      ];
      for (const [symbol, target, condition] of cases) {
        const r = await api(t).post('/alerts', { symbol, target_price: target, condition }, { token });
        noServerError(t, r, `POST /alerts for ${symbol}`);
      }
      const list = await api(t).get('/alerts', { token });
      noServerError(t, list, 'GET /alerts');
      const check = await api(t).post('/alerts/check', undefined, { token });
      noServerError(t, check, 'POST /alerts/check');
      t.expect(check.status, 200, 'POST /alerts/check status');
      t.expect(
        alerts(check).map((a) => a.symbol),
        [],
        'alerts triggered by garbage prices',
      );
    },
  );

  check(
    'inconsistent-data',
    {
      title: 'chaos_inconsistent: the API keeps answering for records an old system left behind',
      kind: 'chaos',
      chaos: 'chaos_inconsistent',
    },
    async (t) => {
      const token = await login(t, 'inconsistent', 'inconsistent123');
      const list = await api(t).get('/alerts', { token });
      t.expect(list.status, 200, 'GET /alerts');
      t.expect(alerts(list).length, 5, 'every record is listed');
      for (const a of alerts(list)) noServerError(t, await api(t).get(`/alerts/${a.id}`, { token }), `GET /alerts/${a.id}`);
      const check = await api(t).post('/alerts/check', undefined, { token });
      t.expect(check.status, 200, 'POST /alerts/check');
      const triggered = alerts(check).map((a) => a.symbol);
      if (triggered.includes('DELISTED')) t.fail('an alert for a symbol that no longer exists triggered', { actual: triggered });
    },
  );

  check(
    'boundary',
    { title: 'chaos_boundary: alerts exactly at the price trigger (≥ and ≤)', kind: 'chaos', chaos: 'chaos_boundary' },
    async (t) => {
      const token = await login(t, 'boundary', 'boundary123');
      const check = await api(t).post('/alerts/check', undefined, { token });
      t.expect(check.status, 200, 'POST /alerts/check');
      t.expect(
        alerts(check)
          .map((a) => `${a.symbol} ${a.condition} ${a.target_price}`)
          .sort(),
        ['AAPL above 200', 'AAPL below 200', 'MSFT above 400'],
        'triggered alerts',
      );
    },
  );

  check(
    'precision',
    {
      title: 'chaos_precision: 100.0 + 0.1 + 0.1 + 0.1 counts as 100.30 (money compared to the cent)',
      kind: 'chaos',
      chaos: 'chaos_precision',
    },
    async (t) => {
      const token = await login(t, 'precision', 'precision123');
      const check = await api(t).post('/alerts/check', undefined, { token });
      t.expect(check.status, 200, 'POST /alerts/check');
      t.expect(
        alerts(check)
          .map((a) => `${a.symbol} ${a.condition} ${a.target_price}`)
          .sort(),
        ['DIS below 0.3', 'JNJ above 100.3', 'JNJ below 100.3'],
        'triggered alerts',
      );
    },
  );

  check(
    'stress-queries',
    {
      title: 'chaos_stress: checking 500 alerts takes a bounded number of queries, not one per alert',
      kind: 'performance',
      chaos: 'chaos_stress',
      timeoutMs: 60_000,
    },
    async (t) => {
      const token = await login(t, 'stresstest', 'stresstest123');
      await t.queries('api', true);
      const r = await api(t).post('/alerts/check', undefined, { token, timeoutMs: 50_000 });
      t.expect(r.status, 200, 'POST /alerts/check with 500 alerts');
      const queries = await t.queries('api');
      t.log(`${queries} database statements for one check of 500 alerts (${Math.round(r.ms)} ms)`);
      if (queries > 25)
        t.fail(`one check of 500 alerts ran ${queries} database statements (N+1?)`, { expected: '≤ 25 statements', actual: queries });
    },
  );

  check(
    'stress-latency',
    { title: 'chaos_stress: checking 500 alerts stays fast (under 400 ms)', kind: 'performance', chaos: 'chaos_stress', timeoutMs: 60_000 },
    async (t) => {
      const token = await login(t, 'stresstest', 'stresstest123');
      await api(t).get('/alerts?active_only=true', { token }); // warm caches the same way for everyone
      const r = await api(t).post('/alerts/check', undefined, { token, timeoutMs: 50_000 });
      t.expect(r.status, 200, 'POST /alerts/check with 500 alerts');
      t.log(`one check of 500 alerts took ${Math.round(r.ms)} ms`);
      if (r.ms > 400)
        t.fail(`one check of 500 alerts took ${Math.round(r.ms)} ms`, { expected: '< 400 ms', actual: `${Math.round(r.ms)} ms` });
    },
  );

  check(
    'race',
    {
      title: 'chaos_race: 5 concurrent checks never trigger the same alert twice',
      kind: 'concurrency',
      chaos: 'chaos_race',
      timeoutMs: 60_000,
    },
    async (t) => {
      const token = await newUser(t, 'racer');
      for (let round = 0; round < 3; round++) {
        const created = [
          await createAlert(t, token, 'AAPL', 1, 'above'),
          await createAlert(t, token, 'MSFT', 1, 'above'),
          await createAlert(t, token, 'NVDA', 1, 'above'),
        ];
        const burst = await t.burst('api', { method: 'POST', path: '/alerts/check', count: 5, token });
        const errors = burst.calls.filter((c) => c.error !== undefined);
        if (errors.length > 0) t.fail(`some concurrent checks failed: ${errors.map((e) => e.error).join('; ')}`);
        const triggered = burst.calls.flatMap((c) => c.ids as number[]).sort((a, b) => a - b);
        if (burst.duplicates.length > 0)
          t.fail(`round ${round + 1}: alerts ${burst.duplicates.join(', ')} were triggered by more than one concurrent check`, {
            expected: ids(created),
            actual: triggered,
          });
        t.expect(triggered, ids(created), `round ${round + 1}: each new alert triggered exactly once`);
      }
    },
  );
};

export default checks;
