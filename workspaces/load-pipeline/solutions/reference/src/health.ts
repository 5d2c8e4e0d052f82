/** Waiting until the deployment answers: retries with a pause, bounded by a deadline. */
import { attempt } from './attempt';

export interface WaitOptions {
  target: string;
  hosts: string[];
  retries: number;
  delayMs: number;
  /** Give up after this long in total, even with retries left. */
  deadlineMs: number;
}

export interface WaitResult {
  ok: boolean;
  /** One line per host: what it last saw ("foo.localhost: 200 after 3 tries", "bar.localhost: 503 no ready replica…"). */
  lines: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls GET / of every host through the ingress until each answered 200, or retries/deadline run out. */
export async function waitHealthy(opts: WaitOptions): Promise<WaitResult> {
  const deadline = Date.now() + opts.deadlineMs;
  const last = new Map<string, { ok: boolean; seen: string; tries: number }>(
    opts.hosts.map((h) => [h, { ok: false, seen: 'not tried', tries: 0 }]),
  );
  for (let round = 1; round <= opts.retries; round++) {
    const pending = opts.hosts.filter((h) => !last.get(h)?.ok);
    if (pending.length === 0) break;
    const left = deadline - Date.now();
    if (left <= 0) break;
    await Promise.all(
      pending.map(async (host) => {
        const o = await attempt(opts.target, host, Math.max(1, Math.min(2000, left)));
        last.set(host, { ok: o.ok, seen: o.ok ? '200' : (o.detail ?? o.failure ?? 'failed'), tries: round });
      }),
    );
    if (opts.hosts.every((h) => last.get(h)?.ok)) break;
    if (round < opts.retries) await sleep(Math.min(opts.delayMs, Math.max(0, deadline - Date.now())));
  }
  const ok = opts.hosts.every((h) => last.get(h)?.ok);
  const lines = opts.hosts.map((h) => {
    const s = last.get(h) ?? { ok: false, seen: 'not tried', tries: 0 };
    return `${h}: ${s.ok ? 'ready' : 'NOT ready'}, last saw ${s.seen} (${s.tries} ${s.tries === 1 ? 'try' : 'tries'})`;
  });
  if (!ok) lines.push(`gave up after ${opts.retries} tries or ${opts.deadlineMs} ms`);
  return { ok, lines };
}
