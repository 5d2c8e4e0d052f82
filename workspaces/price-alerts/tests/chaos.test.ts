/**
 * price-alerts chaos modes at runtime, against the naive and the reference solution side by side:
 * exact data restore after every mode, the race demo (naive ≥ 9/10, reference never), N+1 query
 * counts under chaos_stress, boundaries, float precision, bad and inconsistent data.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { cliEnv, controlClient, runCli, startUp, suiteCleanup, tempDir, type UpProcess } from 'faultline/testing';

type Json = Record<string, unknown>;

class Api {
  constructor(readonly base: string) {}
  async call(
    method: string,
    p: string,
    opts: { token?: string; json?: unknown; form?: Record<string, string> } = {},
  ): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = {};
    let body: string | undefined;
    if (opts.token) headers['authorization'] = `Bearer ${opts.token}`;
    if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.json);
    }
    if (opts.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(opts.form).toString();
    }
    const res = await fetch(this.base + p, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
  }
  async login(username: string, password: string): Promise<string> {
    const r = await this.call('POST', '/auth/login', { form: { username, password } });
    assert.equal(r.status, 200, `login ${username}: ${JSON.stringify(r.body)}`);
    return (r.body as { access_token: string }).access_token;
  }
  async newUser(name: string): Promise<string> {
    const r = await this.call('POST', '/auth/register', {
      json: { email: `${name}@example.com`, username: name, password: 'password123' },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return this.login(name, 'password123');
  }
}

function snapshot(file: string): Json {
  const db = new Database(file, { readonly: true });
  try {
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'knex_%' ORDER BY name").all() as { name: string }[]
    ).map((t) => t.name);
    return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT * FROM "${t}"`).all()]));
  } finally {
    db.close();
  }
}

describe('price-alerts chaos modes', () => {
  const t = suiteCleanup();
  const home = tempDir(t, 'faultline-home-');
  const work = tempDir(t, 'faultline-pa-chaos-');
  const env = cliEnv(home);
  const sessions: Record<'naive' | 'reference', { up: UpProcess; api: Api; control: ReturnType<typeof controlClient>; db: string }> =
    {} as never;

  before(async () => {
    await Promise.all(
      (['naive', 'reference'] as const).map(async (solution) => {
        const dir = path.join(work, solution);
        const r = await runCli(['new', 'price-alerts', dir, '--solution', solution], { env });
        assert.equal(r.code, 0, r.stderr);
        const up = await startUp(t, dir, { env, stateFile: path.join(work, `${solution}.json`) });
        const api = up.state.services['api'];
        assert.ok(api?.database);
        sessions[solution] = {
          up,
          api: new Api(api.url),
          control: controlClient(up.state, 60_000),
          db: api.database,
        };
      }),
    );
  });

  it('every mode changes the data at runtime and reset restores it exactly', async () => {
    const { control, db, api } = sessions.reference;
    const baseline = snapshot(db);
    for (const mode of ['chaos_data', 'chaos_stress', 'chaos_race', 'chaos_boundary', 'chaos_precision', 'chaos_inconsistent']) {
      const r = await control.chaosActivate({ mode });
      assert.equal(r.mode, mode);
      if (mode !== 'chaos_race') assert.notDeepEqual(snapshot(db), baseline, `${mode} changed something`);
      const reset = await control.chaosReset({});
      assert.deepEqual(reset.failed, [], mode);
      assert.ok(
        reset.health.every((h) => h.ok),
        `${mode}: healthy after reset`,
      );
      assert.deepEqual(snapshot(db), baseline, `${mode}: the database is back to the baseline`);
    }
    assert.equal(((await api.call('GET', '/stocks/GOOGL')).body as Json)['current_price'], 141.25);
  });

  it('chaos_data: bad prices are live at once, and the reference neither fails nor triggers on them', async () => {
    const { control, api } = sessions.reference;
    await control.chaosActivate({ mode: 'chaos_data' });
    try {
      assert.equal(((await api.call('GET', '/stocks/GOOGL')).body as Json)['current_price'], -50.25);
      assert.equal(((await api.call('GET', '/stocks/AMZN')).body as Json)['current_price'], null);
      assert.equal(((await api.call('GET', '/stocks/BROKEN')).body as Json)['name'], '');
      const token = await api.newUser('baddata');
      for (const symbol of ['GOOGL', 'AMZN', 'TSLA', 'NVDA', 'BROKEN']) {
        const created = await api.call('POST', '/alerts', { token, json: { symbol, target_price: 1, condition: 'below' } });
        assert.ok(created.status < 500, `${symbol}: ${created.status}`);
      }
      const check = await api.call('POST', '/alerts/check', { token });
      assert.equal(check.status, 200);
      assert.deepEqual(check.body, [], 'garbage prices trigger nothing');
    } finally {
      await control.chaosReset({});
    }
  });

  it('chaos_stress: 500 alerts for stresstest; the naive check issues one query per alert, the reference a handful', async () => {
    const counts: Record<string, number> = {};
    for (const solution of ['naive', 'reference'] as const) {
      const { control, api } = sessions[solution];
      await control.chaosActivate({ mode: 'chaos_stress', seed: 99 });
      try {
        const token = await api.login('stresstest', 'stresstest123');
        assert.equal(((await api.call('GET', '/alerts', { token })).body as unknown[]).length, 500);
        await control.queryStats({ service: 'api', reset: true });
        assert.equal((await api.call('POST', '/alerts/check', { token })).status, 200);
        counts[solution] = (await control.queryStats({ service: 'api' })).reduce((n, s) => n + s.queries, 0);
      } finally {
        await control.chaosReset({});
      }
    }
    assert.ok((counts['naive'] ?? 0) > 500, `naive: ${counts['naive']} queries`);
    assert.ok((counts['reference'] ?? Infinity) < 25, `reference: ${counts['reference']} queries`);
  });

  it('chaos_race: check-concurrent finds duplicates with the naive solution in ≥ 9 of 10 runs, never with the reference', async () => {
    const detected: Record<string, number> = {};
    for (const solution of ['naive', 'reference'] as const) {
      const { control, api } = sessions[solution];
      const token = await api.newUser(`racer_${solution}`);
      await control.chaosActivate({ mode: 'chaos_race' });
      const stats = (await control.queryStats({ service: 'api', reset: true }))[0];
      assert.deepEqual({ ...(stats?.settings['dbLatency'] as object), seed: 0 }, { ms: 25, jitterMs: 0, statements: 'all', seed: 0 });
      await api.call('GET', '/stocks/AAPL');
      const after = (await control.queryStats({ service: 'api' }))[0];
      assert.ok(after && after.queries > 0 && after.delayed === after.queries, `every statement is slowed: ${JSON.stringify(after)}`);
      try {
        detected[solution] = 0;
        for (let run = 0; run < 10; run++) {
          for (const symbol of ['AAPL', 'MSFT', 'NVDA']) {
            assert.equal((await api.call('POST', '/alerts', { token, json: { symbol, target_price: 1, condition: 'above' } })).status, 201);
          }
          const r = await api.call('POST', '/alerts/check-concurrent?num_concurrent=5', { token });
          assert.equal(r.status, 200);
          const body = r.body as {
            concurrent_calls: number;
            results: { thread_id: number; triggered_count: number; triggered_ids: number[] }[];
            race_condition_detected: boolean;
            duplicate_triggers: number[];
            message: string;
          };
          assert.equal(body.concurrent_calls, 5);
          assert.deepEqual(
            body.results.map((x) => x.thread_id),
            [0, 1, 2, 3, 4],
          );
          const triggered = body.results.reduce((n, x) => n + x.triggered_count, 0);
          assert.ok(triggered >= 3, 'every new alert triggered at least once');
          if (body.race_condition_detected) {
            detected[solution]++;
            assert.ok(body.duplicate_triggers.length > 0);
            assert.equal(body.message, '🐛 RACE CONDITION BUG!');
          } else assert.equal(triggered, 3, 'exactly once each');
        }
      } finally {
        await control.chaosReset({});
      }
    }
    assert.deepEqual((await sessions.naive.control.queryStats({ service: 'api' }))[0]?.settings, {}, 'reset removed the latency');
    assert.ok((detected['naive'] ?? 0) >= 9, `naive: ${detected['naive']}/10 runs with duplicates`);
    assert.equal(detected['reference'], 0, 'reference: no duplicates');
    const off = await sessions.reference.api.call('POST', '/alerts/check-concurrent', {
      token: await sessions.reference.api.login('racer_reference', 'password123'),
    });
    assert.equal(off.status, 404, 'the endpoint exists only while chaos_race is active');
  });

  it('chaos_boundary and chaos_precision: the reference triggers every alert at the exact price; a raw float comparison misses some', async () => {
    const triggered: Record<string, number> = {};
    for (const solution of ['naive', 'reference'] as const) {
      const { control, api } = sessions[solution];
      for (const [mode, user] of [
        ['chaos_boundary', 'boundary'],
        ['chaos_precision', 'precision'],
      ] as const) {
        await control.chaosActivate({ mode });
        try {
          const token = await api.login(user, `${user}123`);
          triggered[`${solution}/${mode}`] = ((await api.call('POST', '/alerts/check', { token })).body as unknown[]).length;
        } finally {
          await control.chaosReset({});
        }
      }
    }
    assert.equal(triggered['reference/chaos_boundary'], 3);
    assert.equal(triggered['reference/chaos_precision'], 3);
    assert.ok((triggered['naive/chaos_precision'] ?? 3) < 3, `naive precision: ${triggered['naive/chaos_precision']}`);
  });

  it('chaos_inconsistent: the reference keeps answering for the inconsistent user', async () => {
    const { control, api } = sessions.reference;
    await control.chaosActivate({ mode: 'chaos_inconsistent' });
    try {
      const token = await api.login('inconsistent', 'inconsistent123');
      const list = await api.call('GET', '/alerts', { token });
      assert.equal(list.status, 200);
      assert.equal((list.body as unknown[]).length, 5);
      assert.equal((await api.call('POST', '/alerts/check', { token })).status, 200);
    } finally {
      await control.chaosReset({});
    }
  });

  it('GET /scenario and /scenarios report the active and available modes', async () => {
    const { control, api } = sessions.naive;
    assert.equal(((await api.call('GET', '/scenario')).body as Json)['scenario_id'], 'default');
    await control.chaosActivate({ mode: 'chaos_stress' });
    const current = (await api.call('GET', '/scenario')).body as Json;
    assert.equal(current['scenario_id'], 'chaos_stress');
    assert.equal(current['name'], 'Chaos: High Volume');
    const list = (await api.call('GET', '/scenarios')).body as { scenarios: { id: string }[] };
    assert.deepEqual(
      list.scenarios.map((s) => s.id),
      ['chaos_data', 'chaos_stress', 'chaos_race', 'chaos_boundary', 'chaos_precision', 'chaos_inconsistent'],
    );
    await control.chaosReset({});
  });
});
