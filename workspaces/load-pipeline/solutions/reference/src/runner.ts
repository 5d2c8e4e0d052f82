/** The load test itself: warm-up, then seeded random traffic with C requests in flight. */
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
  /** Wall time of the measured traffic, ms. */
  durationMs: number;
  warmupRequests: number;
}

const WARM_UP_PAUSE_MS = 500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every host must answer 200 once before measuring: cold starts and broken routing stay out of the figures. */
async function warmUp(opts: LoadOptions): Promise<number> {
  let sent = 0;
  const timeoutMs = Math.min(opts.timeoutMs, 5000);
  for (const host of opts.hosts) {
    let last = '';
    for (let i = 1; ; i++) {
      sent++;
      const o = await attempt(opts.target, host, timeoutMs);
      if (o.ok) break;
      last = o.detail ?? o.failure ?? 'failed';
      if (i >= opts.warmUpRetries) throw new Error(`warm-up failed: ${host} at ${opts.target} last answered ${last} (after ${i} tries)`);
      await sleep(WARM_UP_PAUSE_MS);
    }
  }
  return sent;
}

export async function runLoadTest(opts: LoadOptions): Promise<LoadRun> {
  const warmupRequests = await warmUp(opts);
  const random = seeded(opts.seed);
  // The traffic is decided up front, so a seed replays the same sequence whatever the timing.
  const plan = Array.from({ length: opts.requests }, () => opts.hosts[Math.floor(random() * opts.hosts.length)]);
  const outcomes: Outcome[] = new Array<Outcome>(plan.length);
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < plan.length) {
      const i = next++;
      outcomes[i] = await attempt(opts.target, plan[i], opts.timeoutMs);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, plan.length) }, worker));
  return { outcomes, durationMs: performance.now() - started, warmupRequests };
}
