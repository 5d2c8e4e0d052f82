/**
 * The load-pipeline reference, side by side in one run:
 *
 * 1. the candidate's load tester (the reference solution's `src/load-test.ts`) against the
 *    session's ingress, next to autocannon against the same ingress, both at concurrency 32: the
 *    reference's requests per second as a ratio of autocannon's (goal ≥ 0.5×);
 * 2. the ingress's added latency: sequential GETs through the ingress (Host routing, round robin
 *    over ready replicas, through the fault proxy's edges) against a direct call to one replica.
 *
 *   npm run bench -- load-pipeline [--rounds N]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import autocannon from 'autocannon';
import { node, processUrl, quantile, withSession } from './session';

const REQUESTS = 4000;

function autocannonRps(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    autocannon({ url, headers: { host: 'foo.localhost' }, connections: 32, amount: REQUESTS }, (err: unknown, r) =>
      err ? reject(err instanceof Error ? err : new Error('autocannon failed')) : resolve(r['2xx'] / r.duration),
    );
  });
}

function referenceRps(ws: string, target: string, out: string): number {
  const r = spawnSync(
    node,
    [
      '-r',
      'sucrase/register/ts',
      'src/load-test.ts',
      '--target',
      target,
      '--hosts',
      'foo.localhost',
      '--requests',
      String(REQUESTS),
      '--concurrency',
      '32',
      '--json',
      out,
    ],
    { cwd: ws, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`load-test exited ${r.status}: ${r.stderr}`);
  const report = JSON.parse(fs.readFileSync(out, 'utf8')) as { combined: { rps: number; successes: number } };
  if (report.combined.successes !== REQUESTS) throw new Error(`load-test: ${report.combined.successes}/${REQUESTS} succeeded`);
  return report.combined.rps;
}

async function sequential(url: string, n: number): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const u = new URL(url);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await new Promise<void>((resolve, reject) => {
      http
        .get({ host: u.hostname, port: u.port, path: '/', agent, headers: { host: 'foo.localhost' } }, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
        })
        .on('error', reject);
    });
    out.push(performance.now() - t);
  }
  agent.destroy();
  return out;
}

export async function run(args: string[]): Promise<string> {
  const i = args.indexOf('--rounds');
  const rounds = i >= 0 ? Number(args[i + 1]) : 3;
  return withSession('load-pipeline', 'reference', async (session) => {
    const { tmp, ws, state } = session;
    const ingress = state.services['ingress']?.url;
    if (!ingress) throw new Error('no ingress in the session');
    const replica = processUrl(session, 'foo', '');
    if (!replica) throw new Error('no foo replica');
    // Wait until the ingress routes foo (its readiness probe runs every second).
    const ready = spawnSync(node, ['-r', 'sucrase/register/ts', 'src/wait-healthy.ts', '--target', ingress, '--delay-ms', '200'], {
      cwd: ws,
      encoding: 'utf8',
    });
    if (ready.status !== 0) throw new Error(`wait-healthy: ${ready.stdout}${ready.stderr}`);

    const rps = { reference: [] as number[], autocannon: [] as number[] };
    const lat = { ingress: [] as number[], direct: [] as number[] };
    for (let r = 0; r < rounds; r++) {
      rps.reference.push(referenceRps(ws, ingress, path.join(tmp, `report-${r}.json`)));
      rps.autocannon.push(await autocannonRps(ingress));
      lat.ingress.push(...(await sequential(ingress, 1000)));
      lat.direct.push(...(await sequential(replica, 1000)));
    }
    const med = (xs: number[]) => quantile(xs, 0.5);
    const f = (n: number) => n.toFixed(2);
    return [
      `load-pipeline reference, ${rounds} interleaved rounds; ${REQUESTS} requests at concurrency 32 to foo.localhost through the ingress; latency: 1000 sequential keep-alive GETs per round; ${os.cpus().length} CPUs (client, ingress, proxy and replicas share them)`,
      '',
      '| measure | value | ratio |',
      '|---|---|---|',
      `| reference load tester | ${Math.round(med(rps.reference))} req/s | ${f(med(rps.reference) / med(rps.autocannon))}× autocannon (goal ≥ 0.5×) |`,
      `| autocannon | ${Math.round(med(rps.autocannon))} req/s | 1.00× |`,
      `| GET through the ingress | p50 ${f(med(lat.ingress))} ms, p99 ${f(quantile(lat.ingress, 0.99))} ms | +${f(med(lat.ingress) - med(lat.direct))} ms p50 over direct |`,
      `| GET to one replica directly | p50 ${f(med(lat.direct))} ms, p99 ${f(quantile(lat.direct, 0.99))} ms | 1.00× |`,
    ].join('\n');
  });
}
