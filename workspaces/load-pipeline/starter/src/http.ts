/** One GET through the ingress with a Host header (provided; fetch() cannot set Host). */
import * as http from 'node:http';

export interface Answer {
  status: number;
  body: string;
  /** X-Replica of the answer, when there is one. */
  replica?: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/**
 * GET `path` on `target` with `Host: host`. Resolves with any status; rejects when there is no
 * answer: with the `signal`'s reason when it aborts, else with a Node error whose `code` says
 * what happened (ECONNREFUSED, ECONNRESET, ENOTFOUND…).
 */
export function get(target: string, host: string, path = '/', signal?: AbortSignal): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${target}${path}`, { method: 'GET', headers: { host }, agent, ...(signal ? { signal } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        const replica = res.headers['x-replica'];
        resolve({ status: res.statusCode ?? 0, body, ...(typeof replica === 'string' ? { replica } : {}) });
      });
      res.on('error', reject);
    });
    req.on('error', (err) => reject(signal?.aborted && signal.reason instanceof Error ? signal.reason : err));
    req.end();
  });
}

/** Closes idle keep-alive connections so a program can exit. */
export function closeConnections(): void {
  agent.destroy();
}
