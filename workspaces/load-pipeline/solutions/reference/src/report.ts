/** The load test's Markdown report. */
import type { HostStats, Report } from './types';

export const MARKDOWN_HEADER = '| Host | Requests | Success % | Avg | P50 | P90 | P95 | P99 ms | Req/s | Failures |';

const ms = (n: number) => n.toFixed(1);

function row(name: string, s: HostStats): string {
  const f = s.failures;
  return `| ${name} | ${s.requests} | ${(s.success_rate * 100).toFixed(1)} | ${ms(s.avg_ms)} | ${ms(s.p50_ms)} | ${ms(s.p90_ms)} | ${ms(s.p95_ms)} | ${ms(s.p99_ms)} | ${s.rps.toFixed(1)} | http ${f.http}, timeout ${f.timeout}, network ${f.network} |`;
}

/**
 * A Markdown table with MARKDOWN_HEADER, one row per host and a last row "all" for the combined
 * figures. Failures read like "http 3, timeout 1, network 0".
 */
export function renderMarkdown(report: Report): string {
  const lines = [MARKDOWN_HEADER, '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|'];
  for (const [host, s] of Object.entries(report.hosts)) lines.push(row(host, s));
  lines.push(row('all', report.combined));
  return lines.join('\n') + '\n';
}
