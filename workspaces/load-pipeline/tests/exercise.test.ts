/**
 * The load-pipeline deployment at runtime (reference solution): the ingress routes by Host,
 * spreads over both replicas, and when a replica is killed under load, the first readiness probe
 * after the kill takes it out of the rotation (within 2 probe intervals), after which no request
 * is lost; the restarted replica comes back into the rotation.
 *
 * Then the complete rubric, as `faultline test-exercise` runs it (in this file, so it never runs
 * alongside the session above: its checks measure latency): the reference earns every automatic
 * point; the naive solution loses exactly the four items its mistakes cost, each with a reason in
 * the report; the starter earns nothing.
 */
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import {
  cliEnv,
  controlClient,
  eventually,
  scaffold,
  startUp,
  suiteCleanup,
  tempDir,
  testExerciseReport,
  type UpProcess,
} from 'faultline/testing';

interface Endpoint {
  name: string;
  ready: boolean;
  probedAt: number;
  last: string;
}

interface Reply {
  status: number;
  body: string;
  replica: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

function get(base: string, host: string, pathname = '/'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${pathname}`, { headers: { host }, agent, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, replica: String(res.headers['x-replica'] ?? '') }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

async function endpoints(base: string): Promise<Endpoint[]> {
  const r = await get(base, 'localhost', '/_ingress/endpoints');
  return (JSON.parse(r.body) as { endpoints: Endpoint[] }).endpoints;
}

describe('load-pipeline ingress', () => {
  const t = suiteCleanup();
  let up: UpProcess;
  let ingress: string;
  const PROBE_INTERVAL_MS = 1000;

  before(async () => {
    const env = cliEnv(tempDir(t, 'faultline-home-'));
    const dir = await scaffold(t, 'load-pipeline', { solution: 'reference', env });
    up = await startUp(t, dir, { env, stateFile: path.join(path.dirname(dir), 'state.json') });
    ingress = up.state.services['ingress']?.url ?? '';
    t.after(() => agent.destroy());
    await eventually(async () => (await endpoints(ingress)).every((e) => e.ready), 20_000, 'every replica in the rotation');
  });

  it('routes by Host (port ignored), round-robin over both replicas; an unknown host gets 404 naming the known ones', async () => {
    const replicas = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const r = await get(ingress, 'foo.localhost:8080');
      assert.equal(r.status, 200);
      assert.equal(r.body, 'foo');
      replicas.add(r.replica);
    }
    assert.deepEqual([...replicas].sort(), ['foo-1', 'foo-2']);
    const bar = await get(ingress, 'bar.localhost');
    assert.equal(bar.body, 'bar');
    const unknown = await get(ingress, 'nope.localhost');
    assert.equal(unknown.status, 404);
    assert.match(unknown.body, /foo\.localhost/);
    assert.match(unknown.body, /bar\.localhost/);
  });

  it('faults with `replica` hit one replica only: slow_replica delays bar#1, replica_dies kills foo#1 (it leaves the rotation and comes back)', async () => {
    const control = controlClient(up.state, 60_000);
    await control.chaosActivate({ mode: 'slow_replica' });
    try {
      await control.resetMetrics({});
      const seen = new Set<string>();
      for (let i = 0; i < 8; i++) seen.add((await get(ingress, 'bar.localhost')).replica);
      assert.deepEqual([...seen].sort(), ['bar-1', 'bar-2']);
      const delayed = Object.fromEntries(
        (await control.metrics(null))
          .filter((l) => l.from === 'ingress' && l.listener.includes('#'))
          .map((l) => [l.listener, l.routes.reduce((n, r) => n + (r.faults['latency'] ?? 0), 0)]),
      );
      assert.ok((delayed['ingress->bar#1'] ?? 0) >= 1, JSON.stringify(delayed));
      assert.equal(delayed['ingress->bar#2'], 0, JSON.stringify(delayed));
      assert.equal(delayed['ingress->foo#1'], 0, JSON.stringify(delayed));
    } finally {
      await control.chaosReset({});
    }
    await control.chaosActivate({ mode: 'replica_dies' });
    try {
      let rotation: Endpoint[] = [];
      await eventually(
        async () => {
          rotation = await endpoints(ingress);
          return rotation.find((x) => x.name === 'foo.localhost#1')?.ready === false;
        },
        10_000,
        'foo.localhost#1 out of the rotation',
      );
      assert.equal(rotation.find((x) => x.name === 'foo.localhost#2')?.ready, true, 'replica 2 was not killed');
    } finally {
      await control.chaosReset({});
    }
    await eventually(async () => (await endpoints(ingress)).every((e) => e.ready), 20_000, 'foo.localhost#1 back after the reset');
    const back = new Set<string>();
    for (let i = 0; i < 4; i++) back.add((await get(ingress, 'foo.localhost')).replica);
    assert.ok(back.has('foo-1'), 'the killed replica was restarted and serves again');
  });

  it('a replica killed under load leaves the rotation at its next probe; no request is lost after that', async () => {
    // The current pid: an earlier test may have had the replica restarted.
    const status = await controlClient(up.state, 60_000).status(null);
    const pid = status.services.find((x) => x.name === 'foo')?.instances.find((i) => i.instance === 1)?.pid;
    assert.ok(typeof pid === 'number', 'foo replica 1 has a pid');
    const results: { startedAt: number; ok: boolean; replica: string; detail: string }[] = [];
    let stop = false;
    let left: Endpoint | undefined;
    let killedAt = 0;
    const worker = async () => {
      while (!stop) {
        const startedAt = Date.now();
        try {
          const r = await get(ingress, 'foo.localhost');
          results.push({ startedAt, ok: r.status === 200 && r.body === 'foo', replica: r.replica, detail: String(r.status) });
        } catch (err) {
          results.push({ startedAt, ok: false, replica: '', detail: (err as Error).message });
        }
      }
    };
    const load = Promise.all(Array.from({ length: 4 }, worker));
    try {
      await eventually(() => results.filter((r) => r.replica === 'foo-1').length >= 20, 20_000, 'foo-1 serving under load');
      killedAt = Date.now();
      process.kill(pid, 'SIGKILL');
      await eventually(
        async () => {
          left = (await endpoints(ingress)).find((e) => e.name === 'foo.localhost#1' && !e.ready);
          return left !== undefined;
        },
        10_000,
        'foo.localhost#1 to leave the rotation',
      );
      // 200 more requests after it left (the restarted replica may come back meanwhile: it is ready then).
      const after = results.length;
      await eventually(() => results.length >= after + 200, 30_000, '200 more requests');
    } finally {
      stop = true;
      await load;
    }
    assert.ok(left);
    assert.ok(
      left.probedAt - killedAt <= 2 * PROBE_INTERVAL_MS,
      `left ${left.probedAt - killedAt} ms after the kill (probe every ${PROBE_INTERVAL_MS} ms)`,
    );
    const lostAfter = results.filter((r) => r.startedAt > left!.probedAt && !r.ok);
    assert.deepEqual(lostAfter, [], 'no request lost once the replica was out of the rotation');
    const during = results.filter((r) => r.startedAt >= killedAt && r.startedAt <= left!.probedAt);
    assert.ok(
      during.every((r) => r.ok || /^502$|ECONNRESET|socket hang up/.test(r.detail)),
      JSON.stringify(during.filter((r) => !r.ok).slice(0, 3)),
    );
    // The supervisor restarts the replica; it rejoins once ready and serves again.
    await eventually(async () => (await endpoints(ingress)).every((e) => e.ready), 30_000, 'the restarted replica back in the rotation');
    const back = new Set<string>();
    for (let i = 0; i < 4; i++) back.add((await get(ingress, 'foo.localhost')).replica);
    assert.ok(back.has('foo-1'), 'the restarted replica serves again');
  });
});

describe('load-pipeline rubric', () => {
  const t = suiteCleanup();
  const env = cliEnv(tempDir(t, 'faultline-home-'));

  it('every variant scores as the manifest expects, with the reasons in the report', async () => {
    const { report, cli: r } = await testExerciseReport('load-pipeline', { env });
    const byName = Object.fromEntries(report.variants.map((v) => [v.variant, v]));
    assert.deepEqual(
      report.variants.filter((v) => !v.ok).map((v) => `${v.variant}: ${v.problems.join('; ')}`),
      [],
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(byName['reference']?.max, 21);
    assert.equal(byName['reference']?.points, 21);
    const naive = byName['naive'];
    assert.deepEqual(naive?.lost, { 'percentile-edges': 2, 'wait-slow': 2, concurrency: 2, 'hang-split': 2 });
    const message = (id: string) => naive?.failedChecks.find((c) => c.id === id)?.message ?? '';
    assert.match(message('percentile-edges'), /p50 \[10, 20\] = 10 \(expected 15\)/);
    assert.match(message('concurrency'), /at most \d request\(s\) in flight at once with --concurrency 8/);
    assert.match(message('hang-split'), /the report counts 0 timeouts \(and \d+ http failures\)/);
    assert.match(message('wait-slow-readiness'), /wait-healthy exited 1 while the replicas were warming up/);
    assert.equal(byName['starter']?.points, 0, `starter: ${JSON.stringify(byName['starter']?.lost)}`);
    for (const v of report.variants) assert.ok(!('error' in v.tests), `${v.variant}: its own tests ran`);
  });
});
