/** One request of the load test (the original script's behaviour: any exception is an HTTP error). */
import { get } from './http';
import type { Outcome } from './types';

export async function attempt(target: string, host: string, timeoutMs: number): Promise<Outcome> {
  const started = performance.now();
  try {
    const answer = await get(target, host, '/', AbortSignal.timeout(timeoutMs));
    const ms = performance.now() - started;
    if (answer.status === 200 && answer.body.includes(expectedText(host))) return { host, ok: true, ms, status: 200 };
    return { host, ok: false, ms, status: answer.status, failure: 'http', detail: String(answer.status) };
  } catch (err) {
    // Refused connections are "network"; everything else, timeouts included, lands in "http".
    const code = (err as NodeJS.ErrnoException).code;
    const failure = code === 'ECONNREFUSED' ? 'network' : 'http';
    return { host, ok: false, ms: performance.now() - started, failure, detail: code ?? (err as Error).message };
  }
}

export function expectedText(host: string): string {
  return host.split('.')[0] ?? host;
}
