/** The Price Alerts contract from the brief, over real HTTP (functional checks). */
import type { DeclareChecks } from 'faultline/checks';
import { alerts, api, createAlert, ids, newUser, price } from './support';

const checks: DeclareChecks = (check) => {
  check('create-alert', { title: 'POST /alerts creates "above" and "below" alerts with every field', kind: 'functional' }, async (t) => {
    const token = await newUser(t);
    const above = await createAlert(t, token, 'aapl', 200, 'above');
    t.expect(
      {
        symbol: above.symbol,
        target_price: above.target_price,
        condition: above.condition,
        is_triggered: above.is_triggered,
        is_active: above.is_active,
      },
      { symbol: 'AAPL', target_price: 200, condition: 'above', is_triggered: false, is_active: true },
      'the created alert (symbol upper-cased)',
    );
    t.expect(typeof above.id, 'number', 'id');
    t.expect(above.triggered_at, null, 'triggered_at of a new alert');
    t.expect(typeof above.created_at, 'string', 'created_at');
    t.expect(above.current_price, await price(t, 'AAPL'), 'current_price is the stock price');
    const below = await createAlert(t, token, 'TSLA', 200, 'BELOW');
    t.expect(below.condition, 'below', 'condition is normalised to lower case');
  });

  check('alert-errors', { title: 'Unknown symbols are 404, bad input 422, no token 401', kind: 'functional' }, async (t) => {
    const token = await newUser(t);
    const unknown = await api(t).post('/alerts', { symbol: 'INVALID', target_price: 100, condition: 'above' }, { token });
    t.expect([unknown.status, unknown.body], [404, { detail: 'Stock INVALID not found' }], 'unknown symbol');
    const badCondition = await api(t).post('/alerts', { symbol: 'AAPL', target_price: 100, condition: 'sideways' }, { token });
    t.expect(badCondition.status, 422, 'condition "sideways"');
    const badPrice = await api(t).post('/alerts', { symbol: 'AAPL', target_price: -50, condition: 'above' }, { token });
    t.expect(badPrice.status, 422, 'target_price -50');
    const zero = await api(t).post('/alerts', { symbol: 'AAPL', target_price: 0, condition: 'above' }, { token });
    t.expect(zero.status, 422, 'target_price 0');
    for (const [method, path] of [
      ['post', '/alerts'],
      ['get', '/alerts'],
      ['post', '/alerts/check'],
    ] as const) {
      const r =
        method === 'get' ? await api(t).get(path) : await api(t).post(path, { symbol: 'AAPL', target_price: 1, condition: 'above' });
      t.expect(r.status, 401, `${method.toUpperCase()} ${path} without a token`);
    }
  });

  check(
    'list-and-get',
    { title: "GET /alerts lists the user's alerts (active_only works); GET /alerts/:id, 404 when missing", kind: 'functional' },
    async (t) => {
      const token = await newUser(t);
      t.expect(alerts(await api(t).get('/alerts', { token })), [], 'a new user has no alerts');
      const current = await price(t, 'MSFT');
      const willTrigger = await createAlert(t, token, 'MSFT', current - 10, 'above');
      const stays = await createAlert(t, token, 'MSFT', current + 1000, 'above');
      const list = alerts(await api(t).get('/alerts', { token }));
      t.expect(ids(list), ids([willTrigger, stays]), 'both alerts are listed');
      if (list.some((a) => typeof a.current_price !== 'number' || a.current_price <= 0))
        t.fail('every listed alert carries the current price', { actual: list });
      const one = await api(t).get(`/alerts/${stays.id}`, { token });
      t.expect([one.status, (one.body as { id: number }).id], [200, stays.id], `GET /alerts/${stays.id}`);
      const missing = await api(t).get('/alerts/99999999', { token });
      t.expect([missing.status, missing.body], [404, { detail: 'Alert not found' }], 'GET a missing alert');
      await api(t).post('/alerts/check', undefined, { token });
      const active = alerts(await api(t).get('/alerts?active_only=true', { token }));
      t.expect(ids(active), [stays.id], 'active_only=true leaves out the triggered alert');
      t.expect(
        ids(alerts(await api(t).get('/alerts?active_only=false', { token }))),
        ids([willTrigger, stays]),
        'active_only=false lists both',
      );
    },
  );

  check(
    'ownership',
    { title: "Another user's alert is invisible: GET and DELETE answer 404, lists exclude it", kind: 'functional' },
    async (t) => {
      const alice = await newUser(t, 'alice');
      const bob = await newUser(t, 'bob');
      const a = await createAlert(t, alice, 'AAPL', 1, 'above');
      t.expect((await api(t).get(`/alerts/${a.id}`, { token: bob })).status, 404, "GET another user's alert");
      t.expect((await api(t).delete(`/alerts/${a.id}`, { token: bob })).status, 404, "DELETE another user's alert");
      t.expect(alerts(await api(t).get('/alerts', { token: bob })), [], "bob's list");
      t.expect(alerts(await api(t).post('/alerts/check', undefined, { token: bob })), [], "bob's check does not trigger alice's alert");
      t.expect((await api(t).get(`/alerts/${a.id}`, { token: alice })).status, 200, 'alice still has it');
    },
  );

  check(
    'delete-alert',
    { title: 'DELETE /alerts/:id answers 204, then the alert is gone; 404 when missing', kind: 'functional' },
    async (t) => {
      const token = await newUser(t);
      const a = await createAlert(t, token, 'AAPL', 200, 'above');
      const del = await api(t).delete(`/alerts/${a.id}`, { token });
      t.expect(del.status, 204, 'DELETE');
      t.expect((await api(t).get(`/alerts/${a.id}`, { token })).status, 404, 'GET after DELETE');
      t.expect((await api(t).delete(`/alerts/${a.id}`, { token })).status, 404, 'DELETE again');
      t.expect((await api(t).delete('/alerts/99999999', { token })).status, 404, 'DELETE a missing alert');
    },
  );

  check(
    'trigger-rules',
    { title: '"above" triggers at price ≥ target, "below" at ≤; the check returns exactly what it triggered', kind: 'functional' },
    async (t) => {
      const token = await newUser(t);
      const p = await price(t, 'AAPL');
      const above = await createAlert(t, token, 'AAPL', p - 10, 'above');
      const below = await createAlert(t, token, 'AAPL', p + 10, 'below');
      const notAbove = await createAlert(t, token, 'AAPL', p + 1000, 'above');
      const notBelow = await createAlert(t, token, 'AAPL', Math.max(0.01, p - 100), 'below');
      const r = await api(t).post('/alerts/check', undefined, { token });
      t.expect(r.status, 200, 'POST /alerts/check');
      const triggered = alerts(r);
      t.expect(ids(triggered), ids([above, below]), 'triggered alerts');
      for (const a of triggered) {
        t.expect([a.is_triggered, a.is_active, typeof a.triggered_at], [true, true, 'string'], `alert ${a.id} after triggering`);
      }
      const rest = alerts(await api(t).get('/alerts', { token })).filter((a) => a.id === notAbove.id || a.id === notBelow.id);
      t.expect(
        rest.map((a) => a.is_triggered),
        [false, false],
        'alerts whose condition is not met stay untriggered',
      );
    },
  );

  check('trigger-once', { title: 'An alert triggers once: the next check does not return it again', kind: 'functional' }, async (t) => {
    const token = await newUser(t);
    const a = await createAlert(t, token, 'NVDA', 1, 'above');
    t.expect(ids(alerts(await api(t).post('/alerts/check', undefined, { token }))), [a.id], 'first check');
    t.expect(alerts(await api(t).post('/alerts/check', undefined, { token })), [], 'second check');
    const after = await api(t).get(`/alerts/${a.id}`, { token });
    t.expect((after.body as { is_triggered: boolean }).is_triggered, true, 'the alert stays triggered');
  });
};

export default checks;
