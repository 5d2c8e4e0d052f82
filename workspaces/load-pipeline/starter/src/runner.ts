/** The load test itself (your code). */
import type { Outcome } from './types';

export interface LoadOptions {
  target: string;
  hosts: string[];
  requests: number;
  concurrency: number;
  timeoutMs: number;
  warmUpRetries: number;
  seed: number;
}

export interface LoadRun {
  outcomes: Outcome[];
  /** Wall time of the measured traffic, ms. */
  durationMs: number;
  warmupRequests: number;
}

/**
 * Warm-up first: every host must answer 200 (at most `warmUpRetries` tries each, with a pause
 * between them), else throw an Error saying which host answered what. Then `requests` requests,
 * each to a host picked at random (seeded), with `concurrency` of them in flight at once and a
 * timeout each.
 */
export async function runLoadTest(opts: LoadOptions): Promise<LoadRun> {
  // TODO
  void opts;
  throw new Error('TODO: runLoadTest is not implemented');
}
