/** One request of the load test. */
import { get } from './http';
import type { Outcome } from './types';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
]);

/**
 * GET / on `target` with `Host: host`, giving up after `timeoutMs`. A success is a 200 whose body
 * contains the host's service text (foo.localhost → "foo"). Anything else is a failure of one kind:
 * `http` (another status, or the wrong body), `timeout` (no answer in time), `network` (refused,
 * reset, no such host…). Never rejects.
 */
export async function attempt(target: string, host: string, timeoutMs: number): Promise<Outcome> {
  const signal = AbortSignal.timeout(timeoutMs);
  const started = performance.now();
  try {
    const answer = await get(target, host, '/', signal);
    const ms = performance.now() - started;
    if (answer.status === 200 && answer.body.includes(expectedText(host))) return { host, ok: true, ms, status: 200 };
    const detail = answer.status === 200 ? `200 with an unexpected body "${answer.body.slice(0, 40)}"` : String(answer.status);
    return { host, ok: false, ms, status: answer.status, failure: 'http', detail };
  } catch (err) {
    const ms = performance.now() - started;
    if (signal.aborted) return { host, ok: false, ms, failure: 'timeout', detail: `timeout after ${timeoutMs} ms` };
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    // Anything else without an answer (refused, reset, DNS, a socket that broke) is the network's fault.
    return { host, ok: false, ms, failure: 'network', detail: NETWORK_CODES.has(code) ? code : `network: ${code}` };
  }
}

/** The text a host's service answers: "foo.localhost" → "foo". */
export function expectedText(host: string): string {
  return host.split('.')[0] ?? host;
}
