/**
 * Helpers of the load-pipeline checks. Ground truth is the fault proxy's own metrics: the public
 * listener "ingress" sees every request the candidate's programs send; the per-replica edges
 * "ingress->foo#1" … see what reached each replica, and which fault acted on it.
 */
import type { CheckContext, ProgramRun } from 'faultline/checks';

type ListenerMetrics = Awaited<ReturnType<CheckContext['metrics']>>[number];

export const HOSTS = ['foo.localhost', 'bar.localhost'];
export const REPLICA_SERVICES = ['foo', 'bar'];

export interface Stats {
  requests: number;
  successes: number;
  success_rate: number;
  rps: number;
  avg_ms: number;
  p50_ms: number;
  p90_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  failures: { http: number; timeout: number; network: number };
}

export interface Report {
  duration_ms: number;
  warmup_requests: number;
  hosts: Record<string, Stats>;
  combined: Stats;
}

export interface LoadRun {
  run: ProgramRun;
  report: Report;
  markdown: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Endpoint {
  host: string;
  name: string;
  ready: boolean;
}

export async function endpoints(t: CheckContext): Promise<Endpoint[]> {
  const res = await fetch(`${t.url('ingress')}/_ingress/endpoints`, { signal: AbortSignal.timeout(2000) });
  return ((await res.json()) as { endpoints: Endpoint[] }).endpoints;
}

/** Waits until the ingress's rotation satisfies `test` (it probes every second). */
export async function rotation(t: CheckContext, test: (e: Endpoint[]) => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: Endpoint[] = [];
  while (Date.now() < deadline) {
    try {
      last = await endpoints(t);
      if (test(last)) return;
    } catch {
      // the ingress is restarting
    }
    await sleep(100);
  }
  t.fail(`the ingress did not reach "${what}" within ${timeoutMs} ms (not a candidate problem)`, { actual: last });
}

export const allReady = (t: CheckContext) => rotation(t, (e) => e.length > 0 && e.every((x) => x.ready), 'every replica ready');

/** Runs the candidate's load test against the ingress, writing its reports to {out}. Fails the check unless it exits 0 with a JSON report. */
export async function loadTest(t: CheckContext, args: string[], timeoutMs = 90_000): Promise<LoadRun> {
  const run = await t.candidateProgram('src/load-test.ts', {
    args: ['--target', t.url('ingress'), '--json', '{out}/report.json', '--md', '{out}/report.md', '--seed', '7', ...args],
    timeoutMs,
  });
  if (run.timedOut) t.fail(`npm run load-test -- ${args.join(' ')} did not finish within ${timeoutMs} ms`);
  if (run.code !== 0) t.fail(`npm run load-test -- ${args.join(' ')} exited ${run.code}: ${tail(run.stderr || run.stdout)}`);
  const json = run.outputs['report.json'];
  if (!json) t.fail('the load test wrote no JSON report to --json');
  let report: Report;
  try {
    report = JSON.parse(json) as Report;
  } catch {
    return t.fail('the JSON report is not JSON', { actual: json.slice(0, 300) });
  }
  if (!report.combined || typeof report.combined.requests !== 'number')
    t.fail('the JSON report has no "combined" statistics', { actual: report });
  return { run, report, markdown: run.outputs['report.md'] ?? '' };
}

export function tail(text: string): string {
  const lines = text.trim().split('\n');
  return lines.slice(-3).join(' / ').slice(0, 400) || '(no output)';
}

/** What the proxy saw: on the public listener (route GET /), and on the per-replica edges (GET /). */
export function truth(metrics: ListenerMetrics[]) {
  const publicRoute = metrics.find((l) => l.listener === 'ingress')?.routes.find((r) => r.method === 'GET' && r.route === '/');
  const edges = metrics.filter((l) => l.from === 'ingress' && REPLICA_SERVICES.includes(l.service) && l.listener.includes('#'));
  let injected503 = 0;
  let hung = 0;
  for (const l of edges) {
    for (const r of l.routes) {
      if (r.method !== 'GET' || r.route !== '/') continue;
      injected503 += r.faults['http_error'] ?? 0;
      hung += r.faults['hang'] ?? 0;
    }
  }
  return {
    publicCount: publicRoute?.count ?? 0,
    maxInFlight: metrics.find((l) => l.listener === 'ingress')?.maxInFlight ?? 0,
    injected503,
    hung,
  };
}

/** Runs the shared 400×8 load test once per check process; the metrics are read right after it. */
let shared: Promise<{ load: LoadRun; metrics: ListenerMetrics[] }> | undefined;
export function sharedRun(t: CheckContext): Promise<{ load: LoadRun; metrics: ListenerMetrics[] }> {
  shared ??= (async () => {
    await allReady(t);
    await t.resetMetrics();
    const load = await loadTest(t, ['--requests', '400', '--concurrency', '8', '--timeout-ms', '5000']);
    return { load, metrics: await t.metrics() };
  })();
  shared.catch(() => (shared = undefined));
  return shared;
}

/** Extra warm-up requests beyond one per host: each may have met a fault the report does not count. */
export const warmUpSlack = (r: Report) => Math.max(0, r.warmup_requests - HOSTS.length);
