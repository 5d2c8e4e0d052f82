/** The load test, as the original script ran it: one request after the other. */
import { attempt } from './attempt';
import { seeded } from './random';
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
  durationMs: number;
  warmupRequests: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runLoadTest(opts: LoadOptions): Promise<LoadRun> {
  let warmupRequests = 0;
  for (const host of opts.hosts) {
    for (let i = 1; ; i++) {
      warmupRequests++;
      const o = await attempt(opts.target, host, opts.timeoutMs);
      if (o.ok) break;
      if (i >= opts.warmUpRetries) throw new Error(`warm-up failed for ${host}: ${o.detail ?? ''}`);
      await sleep(500);
    }
  }
  const random = seeded(opts.seed);
  const outcomes: Outcome[] = [];
  const started = performance.now();
  // --concurrency is accepted but requests go one at a time.
  for (let i = 0; i < opts.requests; i++) {
    const host = opts.hosts[Math.floor(random() * opts.hosts.length)];
    outcomes.push(await attempt(opts.target, host, opts.timeoutMs));
  }
  return { outcomes, durationMs: performance.now() - started, warmupRequests };
}
