import * as http from 'node:http';

export interface ProbeResult {
  ok: boolean;
  status?: number;
  error?: string;
  ms: number;
}

/** One HTTP GET with a hard timeout; 2xx is healthy. Never throws. */
export function probe(url: string, timeoutMs: number): Promise<ProbeResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: Omit<ProbeResult, 'ms'>) => {
      if (settled) return;
      settled = true;
      resolve({ ...r, ms: performance.now() - started });
    };
    const req = http.get(url, { timeout: timeoutMs, agent: false, headers: { 'user-agent': 'faultline-probe' } }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      res.on('end', () => done({ ok: status >= 200 && status < 300, status }));
      res.on('error', (err) => done({ ok: false, status, error: err.message }));
    });
    req.on('timeout', () => {
      req.destroy(new Error(`no answer within ${timeoutMs} ms`));
    });
    req.on('error', (err: NodeJS.ErrnoException) =>
      done({ ok: false, error: err.code === 'ECONNREFUSED' ? 'connection refused' : err.message }),
    );
  });
}

/**
 * The URL of a service's health path at `url` — also for a TCP service (`tcp://…`, see the
 * manifest's `protocol`), which answers its health path over HTTP on the same address.
 */
export function healthUrl(url: string, healthPath: string): string {
  return url.replace(/^tcp:/, 'http:') + healthPath;
}
