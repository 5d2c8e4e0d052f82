/**
 * N identical requests at once, and which ids came back from more than one of them: the
 * engine's duplicate-effect detector (used by the concurrent_burst fault and by rubric checks).
 */
import * as http from 'node:http';

export interface BurstCall {
  index: number;
  status: number;
  ids: unknown[];
  error?: string;
  ms: number;
}

export interface BurstResult {
  calls: BurstCall[];
  /** Ids returned by more than one call. */
  duplicates: unknown[];
}

export interface BurstRequest {
  url: string;
  method: string;
  headers?: http.OutgoingHttpHeaders;
  body?: Buffer | string;
  count: number;
  /** Field holding the id in each returned object (the answer is a list, or an object with one list). */
  idField: string;
  timeoutMs?: number;
}

function extractIds(body: unknown, idField: string): unknown[] {
  const list = Array.isArray(body)
    ? body
    : body && typeof body === 'object'
      ? ((Object.values(body).find((v) => Array.isArray(v)) as unknown[] | undefined) ?? [])
      : [];
  return (list as unknown[])
    .map((item): unknown => (item && typeof item === 'object' ? (item as Record<string, unknown>)[idField] : item))
    .filter((v) => v !== undefined);
}

function once(req: BurstRequest, index: number, agent: http.Agent): Promise<BurstCall> {
  const started = performance.now();
  return new Promise((resolve) => {
    const r = http.request(req.url, { method: req.method, headers: req.headers, agent, timeout: req.timeoutMs ?? 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        const ms = performance.now() - started;
        if (status >= 400 || body === undefined) resolve({ index, status, ids: [], error: `HTTP ${status}: ${text.slice(0, 200)}`, ms });
        else resolve({ index, status, ids: extractIds(body, req.idField), ms });
      });
    });
    r.on('timeout', () => r.destroy(new Error('timed out')));
    r.on('error', (err) => resolve({ index, status: 0, ids: [], error: err.message, ms: performance.now() - started }));
    r.end(req.body);
  });
}

export async function runBurst(req: BurstRequest): Promise<BurstResult> {
  const agent = new http.Agent({ keepAlive: false, maxSockets: req.count });
  try {
    const calls = await Promise.all(Array.from({ length: req.count }, (_, i) => once(req, i, agent)));
    const seen = new Map<string, number>();
    for (const c of calls) for (const id of new Set(c.ids.map((v) => JSON.stringify(v)))) seen.set(id, (seen.get(id) ?? 0) + 1);
    const duplicates = [...seen.entries()].filter(([, n]) => n > 1).map(([id]) => JSON.parse(id) as unknown);
    return { calls, duplicates };
  } finally {
    agent.destroy();
  }
}
