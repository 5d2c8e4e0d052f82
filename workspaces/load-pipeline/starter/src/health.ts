/** Waiting until the deployment answers (your code). */

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

/** Polls GET / of every host through the ingress until each answered 200, or retries/deadline run out. */
export async function waitHealthy(opts: WaitOptions): Promise<WaitResult> {
  // TODO
  void opts;
  throw new Error('TODO: waitHealthy is not implemented');
}
