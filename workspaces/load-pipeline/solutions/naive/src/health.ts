/** The original health check: every host is tried once. */
import { attempt } from './attempt';

export interface WaitOptions {
  target: string;
  hosts: string[];
  retries: number;
  delayMs: number;
  deadlineMs: number;
}

export interface WaitResult {
  ok: boolean;
  lines: string[];
}

export async function waitHealthy(opts: WaitOptions): Promise<WaitResult> {
  const lines: string[] = [];
  let ok = true;
  for (const host of opts.hosts) {
    const o = await attempt(opts.target, host, 5000);
    if (!o.ok) ok = false;
    lines.push(`${host}: ${o.ok ? 'ok' : `failed (${o.detail ?? ''})`}`);
  }
  return { ok, lines };
}
