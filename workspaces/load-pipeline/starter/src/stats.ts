/** Statistics of a load test (your code). */
import type { HostStats, Outcome } from './types';

/**
 * The p-th percentile (0 ≤ p ≤ 100) of `values`, by linear interpolation between the two closest
 * ranks (numpy's default): rank = p/100 × (n − 1) in the sorted values. `values` may be unsorted
 * and is not modified. No values → 0. p outside 0..100 → RangeError.
 */
export function percentile(values: readonly number[], p: number): number {
  // TODO
  void values;
  void p;
  throw new Error('TODO: percentile is not implemented');
}

/**
 * Statistics of some outcomes (one host's, or all of them) over a test that took `durationMs`:
 * counts, success rate, requests per second over the whole duration, latency of the successful
 * requests (avg, p50, p90, p95, p99, max) and failures by kind.
 */
export function summarize(outcomes: readonly Outcome[], durationMs: number): HostStats {
  // TODO
  void outcomes;
  void durationMs;
  throw new Error('TODO: summarize is not implemented');
}
