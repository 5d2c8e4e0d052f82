/** The load test, compared with what the fault proxy saw. */
import type { DeclareChecks } from 'faultline/checks';
import { allReady, HOSTS, loadTest, sharedRun, truth, warmUpSlack, type Stats } from './support';

const near = (a: number, b: number, tolerance: number) => Math.abs(a - b) <= tolerance;

const checks: DeclareChecks = (check) => {
  check(
    'request-count',
    { title: 'The proxy saw exactly the requests the report counts (plus warm-up)', kind: 'functional', timeoutMs: 120_000 },
    async (t) => {
      const { load, metrics } = await sharedRun(t);
      const seen = truth(metrics);
      t.expect(load.report.combined.requests, 400, 'requests in the report (--requests 400)');
      t.expect(
        seen.publicCount,
        400 + load.report.warmup_requests,
        `GET / at the ingress (400 + warmup_requests ${load.report.warmup_requests})`,
      );
    },
  );

  check(
    'concurrency',
    { title: '--concurrency 8 keeps at least 6 requests in flight', kind: 'concurrency', timeoutMs: 120_000 },
    async (t) => {
      const { metrics } = await sharedRun(t);
      const { maxInFlight } = truth(metrics);
      if (maxInFlight < 6)
        t.fail(
          `the proxy saw at most ${maxInFlight} request(s) in flight at once with --concurrency 8 (expected ≥ 6): requests are sent one after the other`,
          { expected: '≥ 6', actual: maxInFlight },
        );
    },
  );

  check(
    'report-consistent',
    { title: 'Counts add up, percentiles are ordered, rps = count / duration', kind: 'functional', timeoutMs: 120_000 },
    async (t) => {
      const { load } = await sharedRun(t);
      const r = load.report;
      const rows: [string, Stats | undefined][] = [
        ...HOSTS.map((h) => [h, r.hosts[h]] as [string, Stats | undefined]),
        ['combined', r.combined],
      ];
      let sum = 0;
      for (const [name, s] of rows) {
        if (!s) return t.fail(`the report has no statistics for ${name}`);
        const f = s.failures;
        if (s.successes + f.http + f.timeout + f.network !== s.requests)
          t.fail(`${name}: successes + failures ≠ requests`, {
            expected: s.requests,
            actual: s.successes + f.http + f.timeout + f.network,
          });
        const order = [s.p50_ms, s.p90_ms, s.p95_ms, s.p99_ms, s.max_ms];
        if (!order.every((v, i) => Number.isFinite(v) && (i === 0 || order[i - 1] <= v + 1e-9)))
          t.fail(`${name}: expected p50 ≤ p90 ≤ p95 ≤ p99 ≤ max`, { actual: order });
        if (r.duration_ms > 0 && !near(s.rps, s.requests / (r.duration_ms / 1000), Math.max(0.5, s.rps * 0.02)))
          t.fail(`${name}: rps ${s.rps} is not requests / duration (${s.requests} / ${(r.duration_ms / 1000).toFixed(3)} s)`);
        if (name !== 'combined') sum += s.requests;
      }
      t.expect(sum, r.combined.requests, 'the hosts add up to the combined row');
      if (!(r.duration_ms > 0 && r.duration_ms <= load.run.ms))
        t.fail(`duration_ms ${r.duration_ms} is not within the program's run time (${load.run.ms} ms)`);
    },
  );

  check('report-outputs', { title: 'JSON and Markdown reports are written', kind: 'functional', timeoutMs: 120_000 }, async (t) => {
    const { load } = await sharedRun(t);
    const header = '| Host | Requests | Success % | Avg | P50 | P90 | P95 | P99 ms | Req/s | Failures |';
    const lines = load.markdown.trim().split('\n');
    if (lines[0]?.trim() !== header)
      t.fail('the Markdown report does not start with the table header', { expected: header, actual: lines[0] ?? '(no --md file)' });
    for (const h of HOSTS) if (!lines.some((l) => l.startsWith(`| ${h} |`))) t.fail(`the Markdown report has no row for ${h}`);
  });

  check(
    'error-split',
    { title: 'error_rate: http failures match the 503s the proxy injected', kind: 'chaos', chaos: 'error_rate', timeoutMs: 120_000 },
    async (t) => {
      await allReady(t);
      await t.resetMetrics();
      const { report } = await loadTest(t, ['--requests', '400', '--concurrency', '8', '--timeout-ms', '5000']);
      const seen = truth(await t.metrics());
      const f = report.combined.failures;
      const tolerance = 1 + warmUpSlack(report);
      if (!near(f.http, seen.injected503, tolerance))
        t.fail(`the report counts ${f.http} http failures; the proxy answered ${seen.injected503} requests with 503 (±${tolerance})`, {
          expected: seen.injected503,
          actual: f.http,
        });
      if (f.timeout + f.network > 1) t.fail(`503s are http failures, not timeouts or network errors`, { actual: f });
    },
  );

  check(
    'hang-split',
    {
      title: 'hang_some: timeouts match the hung requests, and the run ends',
      kind: 'chaos',
      chaos: 'hang_some',
      timing: true,
      timeoutMs: 120_000,
    },
    async (t) => {
      await allReady(t);
      await t.resetMetrics();
      const { report, run } = await loadTest(t, ['--requests', '400', '--concurrency', '8', '--timeout-ms', '1000'], 60_000);
      const seen = truth(await t.metrics());
      const f = report.combined.failures;
      const tolerance = 1 + warmUpSlack(report);
      if (!near(f.timeout, seen.hung, tolerance))
        t.fail(
          `the report counts ${f.timeout} timeouts (and ${f.http} http failures); the proxy held ${seen.hung} requests without answering (±${tolerance})`,
          { expected: { timeout: seen.hung }, actual: f },
        );
      // Every hung request costs one timeout in one of 8 slots: the run may last about that much longer.
      const budget = 15_000 + Math.ceil(seen.hung / 8 + 1) * 1000;
      if (run.ms > budget) t.fail(`the run took ${run.ms} ms with ${seen.hung} hung requests and --timeout-ms 1000 (budget ${budget} ms)`);
    },
  );

  check(
    'tail-latency',
    {
      title: 'slow_replica: p99 shows the slow replica, p50 does not',
      kind: 'chaos',
      chaos: 'slow_replica',
      timing: true,
      timeoutMs: 120_000,
    },
    async (t) => {
      await allReady(t);
      const { report } = await loadTest(t, ['--requests', '200', '--concurrency', '8', '--timeout-ms', '5000']);
      const c = report.combined;
      if (!(c.p99_ms >= 300))
        t.fail(`p99 is ${c.p99_ms} ms while a quarter of the requests take ≥ 300 ms`, { expected: '≥ 300', actual: c.p99_ms });
      if (!(c.p50_ms < 100))
        t.fail(`p50 is ${c.p50_ms} ms while three quarters of the requests are fast`, { expected: '< 100', actual: c.p50_ms });
    },
  );
};

export default checks;
