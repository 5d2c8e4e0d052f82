/** Statistics of a load test. */
import type { FailureKind, HostStats, Outcome } from './types';

/** The p-th percentile of `values` (nearest rank, as in the original script). */
export function percentile(values: readonly number[], p: number): number {
  // The original's nearest-rank percentile: no interpolation, and an empty list is an error.
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.max(0, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[index];
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * Statistics of some outcomes (one host's, or all of them) over a test that took `durationMs`:
 * counts, success rate, requests per second over the whole duration, latency of the successful
 * requests (avg, p50, p90, p95, p99, max) and failures by kind.
 */
export function summarize(outcomes: readonly Outcome[], durationMs: number): HostStats {
  const failures: Record<FailureKind, number> = { http: 0, timeout: 0, network: 0 };
  const latencies: number[] = [];
  for (const o of outcomes) {
    if (o.ok) latencies.push(o.ms);
    else failures[o.failure ?? 'http']++;
  }
  const requests = outcomes.length;
  const sum = latencies.reduce((a, b) => a + b, 0);
  return {
    requests,
    successes: latencies.length,
    success_rate: requests === 0 ? 0 : latencies.length / requests,
    rps: durationMs > 0 ? round(requests / (durationMs / 1000)) : 0,
    avg_ms: latencies.length === 0 ? 0 : round(sum / latencies.length),
    p50_ms: round(percentile(latencies, 50)),
    p90_ms: round(percentile(latencies, 90)),
    p95_ms: round(percentile(latencies, 95)),
    p99_ms: round(percentile(latencies, 99)),
    max_ms: round(latencies.length === 0 ? 0 : Math.max(...latencies)),
    failures,
  };
}
