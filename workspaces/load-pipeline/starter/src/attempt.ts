/** One request of the load test (your code). */
import type { Outcome } from './types';

/**
 * GET / on `target` with `Host: host`, giving up after `timeoutMs`. A success is a 200 whose body
 * contains the host's service text (foo.localhost → "foo"). Anything else is a failure of one kind:
 * `http` (another status, or the wrong body), `timeout` (no answer in time), `network` (refused,
 * reset, no such host…). Never rejects.
 */
export async function attempt(target: string, host: string, timeoutMs: number): Promise<Outcome> {
  // TODO (src/http.ts has a GET with a Host header)
  void target;
  void host;
  void timeoutMs;
  throw new Error('TODO: attempt is not implemented');
}

/** The text a host's service answers: "foo.localhost" → "foo". */
export function expectedText(host: string): string {
  return host.split('.')[0] ?? host;
}
