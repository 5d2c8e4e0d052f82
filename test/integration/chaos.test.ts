/**
 * Chaos modes end to end on the fixture exercise, through the real CLI and session: traffic,
 * data and process faults with their reverts, rollback of a half-applied mode, exact data
 * restore, a killed fault proxy, the token on every control API, and the timeline.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { controlApi } from '../../extension/engine/protocol/control';
import { proxyApi } from '../../extension/engine/protocol/proxy';
import { apiClient } from '../../extension/engine/protocol/rpc';
import { readToken, type SessionState } from '../../extension/engine/session';
import { readTimeline } from '../../extension/engine/timeline';
import { cliEnv, eventually, fixtures, isAlive, runCli, startUp, suiteCleanup, tempDir, type UpProcess } from '../helpers';

type Row = Record<string, unknown>;

describe('chaos modes (fixture exercise)', () => {
  const t = suiteCleanup();
  const home = tempDir(t, 'faultline-home-');
  const env = cliEnv(home, { FAULTLINE_EXERCISES: path.join(fixtures, 'exercises') });
  const work = tempDir(t, 'faultline-chaos-');
  const dir = path.join(work, 'ws');
  const stateFile = path.join(work, 'state.json');
  const dbFile = path.join(dir, 'data', 'a.db');
  let up: UpProcess;
  let state: SessionState;
  let client: ReturnType<typeof apiClient<typeof controlApi>>;

  const url = (service: string) => state.services[service]?.url ?? '';
  const get = async (u: string) => {
    const res = await fetch(u);
    return { status: res.status, body: await res.text() };
  };
  const items = (): Row[] => {
    const db = new Database(dbFile, { readonly: true });
    try {
      return db.prepare('SELECT rowid AS r, * FROM items ORDER BY rowid').all() as Row[];
    } finally {
      db.close();
    }
  };
  const sequence = (): unknown => {
    const db = new Database(dbFile, { readonly: true });
    try {
      return (db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'items'").get() as { seq: number } | undefined)?.seq;
    } finally {
      db.close();
    }
  };

  before(async () => {
    assert.equal((await runCli(['new', 'fixture-basic', dir], { env })).code, 0);
    fs.mkdirSync(path.dirname(dbFile), { recursive: true });
    const db = new Database(dbFile);
    db.exec(`CREATE TABLE items (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, qty INTEGER NOT NULL DEFAULT 0, price REAL);
             INSERT INTO items (name, qty, price) VALUES ('apple', 5, 1.25), ('pear', 3, 2.5), ('plum', 0, 0.75);`);
    db.close();
    up = await startUp(t, dir, { env, stateFile });
    state = up.state;
    client = apiClient(controlApi, state.control.url, readToken(state), 60_000);
  });

  it('traffic faults: latency on one edge only, errors for everyone; reset reverts', async () => {
    const r = await client.chaosActivate({ mode: 'slow_a' });
    assert.equal(r.mode, 'slow_a');
    await client.resetMetrics({});
    const upstream = JSON.parse((await get(`${url('b')}/upstream?path=/health`)).body) as { status: number };
    assert.equal(upstream.status, 200);
    assert.equal((await get(`${url('a')}/health`)).status, 200);
    // The proxy counts which fault acted on which request: b → a was delayed, a's own clients were not.
    const metrics = await client.metrics(null);
    const health = (listener: string) => metrics.find((m) => m.listener === listener)?.routes.find((x) => x.route === '/health');
    assert.deepEqual([health('b->a')?.count, health('b->a')?.faults], [1, { latency: 1 }], 'b → a is slowed down');
    assert.deepEqual([health('a')?.count, health('a')?.faults], [1, {}], 'clients of a are not');

    await client.chaosActivate({ mode: 'a_errors' });
    assert.equal((await get(`${url('a')}/health`)).status, 503);
    assert.deepEqual(JSON.parse((await get(`${url('b')}/upstream?path=/health`)).body), {
      status: 503,
      body: '{"detail":"Service Unavailable"}',
    });
    const reset = await client.chaosReset({});
    assert.deepEqual(reset.failed, []);
    assert.deepEqual(
      reset.health.map((h) => [h.service, h.ok]),
      [
        ['a', true],
        ['b', true],
      ],
    );
    assert.equal((await get(`${url('a')}/health`)).status, 200);
  });

  it('data faults change rows and reset restores them exactly (rows and AUTOINCREMENT sequence)', async () => {
    const baseline = items();
    const seq = sequence();
    const r = await client.chaosActivate({ mode: 'corrupt', seed: 7 });
    const corrupted = items();
    assert.deepEqual(
      corrupted.find((x) => x['name'] === 'apple'),
      { r: 1, id: 1, name: 'apple', qty: -1, price: null },
    );
    assert.ok(corrupted.some((x) => x['name'] === '' && [1, 2, 3].includes(x['qty'] as number)));
    const seeded = corrupted.filter((x) => ['x', 'y', 'z'].includes(x['name'] as string));
    assert.equal(seeded.length, 25);
    assert.deepEqual(
      seeded.map((x) => x['qty']),
      Array.from({ length: 25 }, (_, i) => 100 + i),
    );
    assert.ok(seeded.every((x) => (x['price'] as number) >= 1.25 && (x['price'] as number) <= 3.75));
    await client.chaosReset({});
    assert.deepEqual(items(), baseline);
    assert.equal(sequence(), seq);

    // Same seed, same data: a run can be replayed.
    await client.chaosActivate({ mode: 'corrupt', seed: r.seed });
    const again = items().filter((x) => ['x', 'y', 'z'].includes(x['name'] as string));
    assert.deepEqual(
      again.map((x) => [x['name'], x['price']]),
      seeded.map((x) => [x['name'], x['price']]),
    );
    await client.chaosReset({});
    assert.deepEqual(items(), baseline);
  });

  it('a mode that fails half-way is rolled back completely and says which fault failed', async () => {
    const baseline = items();
    const err = (await client.chaosActivate({ mode: 'broken_mode' }).then(
      () => new Error('activated'),
      (e: unknown) => e,
    )) as Error & { hint?: string };
    assert.match(
      err.message,
      /could not activate broken_mode: fault 3 \(db_update on a\) failed: no row of items matches \{"name":"no-such-item"\}/,
    );
    assert.match(err.hint ?? '', /the 2 fault\(s\) already applied were reverted/);
    assert.deepEqual(items(), baseline, 'the first update was undone');
    assert.equal((await client.chaosStatus(null)).active, null);
    assert.equal((await get(`${url('a')}/health`)).status, 200, 'the http_error fault applied first is gone too');
  });

  it('reset runs every revert even when one fails, and says which', async () => {
    await client.chaosActivate({ mode: 'mixed' });
    const db = new Database(dbFile);
    db.exec('ALTER TABLE items RENAME TO items_moved');
    db.close();
    try {
      const r = await client.chaosReset({});
      assert.deepEqual(
        r.reverted.map((x) => x.type),
        ['latency', 'http_error'],
      );
      assert.equal(r.failed.length, 1);
      assert.equal(r.failed[0]?.type, 'db_update');
      assert.match(r.failed[0]?.error ?? '', /no such table: items/);
      assert.equal((await get(`${url('a')}/health`)).status, 200, 'the other reverts ran');
      const cli = await runCli(['chaos', 'status', '--state', stateFile], { env });
      assert.match(cli.stdout, /no chaos mode active/);
    } finally {
      const fix = new Database(dbFile);
      fix.exec("ALTER TABLE items_moved RENAME TO items; UPDATE items SET qty = 5 WHERE name = 'apple'");
      fix.close();
    }
  });

  it('process faults: pause freezes, kill and crash_loop restart, clock_skew shifts Date; every revert restores health', async () => {
    await client.chaosActivate({ mode: 'freeze_a' });
    const frozen = await fetch(`${url('a')}/health`, { signal: AbortSignal.timeout(300) }).then(
      () => 'answered',
      () => 'no answer',
    );
    assert.equal(frozen, 'no answer');
    assert.ok((await client.chaosReset({})).health.every((h) => h.ok));

    const before = (await client.status(null)).services.find((s) => s.name === 'a')?.instances[0];
    await client.chaosActivate({ mode: 'kill_a' });
    await eventually(() => !isAlive(before?.pid ?? 0), 5000, 'a to die');
    const reset = await client.chaosReset({});
    assert.ok(
      reset.health.every((h) => h.ok),
      JSON.stringify(reset.health),
    );
    const afterKill = (await client.status(null)).services.find((s) => s.name === 'a')?.instances[0];
    assert.notEqual(afterKill?.pid, before?.pid);
    assert.equal(afterKill?.port, before?.port, 'same port after the restart');

    await client.chaosActivate({ mode: 'flap_a' });
    await eventually(
      async () =>
        ((await client.status(null)).services.find((s) => s.name === 'a')?.instances[0]?.restarts ?? 0) >= (afterKill?.restarts ?? 0) + 2,
      15_000,
      'a to crash and restart twice',
    );
    const flapReset = await client.chaosReset({});
    assert.ok(
      flapReset.health.every((h) => h.ok),
      JSON.stringify(flapReset.health),
    );

    await client.chaosActivate({ mode: 'skew_a' });
    const skewed = JSON.parse((await get(`${url('a')}/time`)).body) as { now: number; date: string };
    assert.ok(Date.now() - skewed.now > 3_500_000, 'Date.now() is an hour behind');
    assert.ok(Date.now() - Date.parse(skewed.date) > 3_500_000, 'new Date() too');
    await client.chaosReset({});
    const fixed = JSON.parse((await get(`${url('a')}/time`)).body) as { now: number };
    assert.ok(Math.abs(Date.now() - fixed.now) < 60_000);
  });

  it('partition cuts b from a while clients reach both', async () => {
    await client.chaosActivate({ mode: 'split' });
    assert.deepEqual(JSON.parse((await get(`${url('b')}/upstream?path=/health`)).body), { error: 'ECONNREFUSED' });
    assert.equal((await get(`${url('a')}/health`)).status, 200);
    assert.equal((await get(`${url('b')}/health`)).status, 200);
    await client.chaosReset({});
    await eventually(
      async () => (JSON.parse((await get(`${url('b')}/upstream?path=/health`)).body) as { status?: number }).status === 200,
      3000,
      'b to reach a again',
    );
  });

  it('serves /scenario and /scenarios on the configured service', async () => {
    assert.equal((JSON.parse((await get(`${url('b')}/scenario`)).body) as { scenario_id: string }).scenario_id, 'default');
    await client.chaosActivate({ mode: 'a_errors' });
    const current = JSON.parse((await get(`${url('b')}/scenario`)).body) as Record<string, unknown>;
    assert.deepEqual(Object.keys(current).sort(), ['challenges', 'description', 'difficulty', 'name', 'scenario_id']);
    assert.equal(current['scenario_id'], 'a_errors');
    assert.doesNotMatch(JSON.stringify(current), /What happens\?/, 'the interviewer prompt is not served');
    const list = JSON.parse((await get(`${url('b')}/scenarios`)).body) as { scenarios: { id: string }[] };
    assert.ok(list.scenarios.some((s) => s.id === 'corrupt'));
    await client.chaosReset({});
  });

  it('unknown modes are refused with the list of modes', async () => {
    const r = await runCli(['chaos', 'chaos_nope', '--state', stateFile], { env });
    assert.equal(r.code, 64);
    assert.match(r.stderr, /unknown chaos mode "chaos_nope"[\s\S]*chaos modes of fixture-basic: slow_a, a_errors, corrupt/);
  });

  it('every control API needs the session token', async () => {
    for (const [base, route] of [
      [state.control.url, '/v1/chaos'],
      [state.proxy.url, '/v1/faults'],
    ] as const) {
      assert.equal((await fetch(base + route)).status, 401, `${route} without token`);
      assert.equal((await fetch(base + route, { headers: { authorization: 'Bearer wrong' } })).status, 401, `${route} with a wrong token`);
    }
    await assert.rejects(
      apiClient(proxyApi, state.proxy.url, readToken(state)).faults(null),
      /missing or wrong session token/,
      'the proxy has its own token',
    );
  });

  it('a killed fault proxy comes back on the same ports with its faults', async () => {
    await client.chaosActivate({ mode: 'a_errors' });
    const readState = () => JSON.parse(fs.readFileSync(stateFile, 'utf8')) as SessionState;
    const proxyPid = readState().proxy.pid ?? 0;
    process.kill(proxyPid, 'SIGKILL');
    await eventually(
      async () => (await get(`${url('a')}/health`).catch(() => ({ status: 0 }))).status === 503,
      15_000,
      'the proxy to come back with the fault',
    );
    await eventually(() => readState().proxy.pid !== proxyPid, 5000, 'the state file to show the new proxy');
    assert.equal(readState().services['a']?.url, url('a'), 'same URL');
    await client.chaosReset({});
    assert.equal((await get(`${url('a')}/health`)).status, 200);
  });

  it('the CLI activates, reports and resets modes', async () => {
    const on = await runCli(['chaos', 'a_errors', '--state', stateFile, '--seed', '12'], { env });
    assert.equal(on.code, 0, on.stderr);
    assert.match(on.stdout, /chaos a_errors \(a answers 503\) active in \d+ ms, seed 12/);
    assert.match(on.stdout, /- http_error on a: Answer with an HTTP error status instead of the service/);
    const status = await runCli(['chaos', 'status', dir], { env });
    assert.match(status.stdout, /active: a_errors \(a answers 503\) since .*, seed 12/);
    assert.match(status.stdout, /^\* a_errors\s+a answers 503/m);
    const off = await runCli(['chaos', 'reset', '--state', stateFile], { env });
    assert.equal(off.code, 0, off.stderr);
    assert.match(off.stdout, /reset a_errors in \d+ ms: 1 fault\(s\) reverted/);
    assert.match(off.stdout, /healthy a: 200 in \d+ ms/);
    const bad = await runCli(['chaos', 'a_errors', '--state', stateFile, '--seed', '-1'], { env });
    assert.equal(bad.code, 64);
  });

  it('`up --chaos` starts with a mode active', async (tc) => {
    const other = path.join(tempDir(tc), 'ws2');
    assert.equal((await runCli(['new', 'fixture-basic', other], { env })).code, 0);
    const second = await startUp(tc, other, {
      env,
      stateFile: path.join(work, 'second.json'),
      args: ['--chaos', 'a_errors', '--seed', '5'],
    });
    assert.match(second.output.text, /chaos a_errors \(a answers 503\) active in \d+ ms, seed 5/);
    assert.equal((await get(`${second.state.services['a']?.url ?? ''}/health`)).status, 503);
    const third = path.join(tempDir(tc), 'ws3');
    assert.equal((await runCli(['new', 'fixture-basic', third], { env })).code, 0);
    const unknown = await runCli(['up', third, '--chaos', 'nope'], { env });
    assert.equal(unknown.code, 64);
    assert.match(unknown.stderr, /unknown chaos mode "nope"[\s\S]*chaos modes of fixture-basic: slow_a/);
    assert.doesNotMatch(unknown.stdout, /healthy at/, 'nothing was started');
  });

  it('records every activation and reset on the timeline, with the seed', () => {
    const events = readTimeline(path.join(state.sessionDir, 'timeline.jsonl'));
    const types = events.map((e) => e.type);
    assert.equal(types[0], 'session.start');
    assert.ok(types.includes('chaos.activate.failed'));
    const corrupt = events.find((e) => e.type === 'chaos.activate' && e['mode'] === 'corrupt');
    assert.equal(corrupt?.['seed'], 7);
    assert.ok(events.filter((e) => e.type === 'chaos.reset').length >= 6);
  });
});
