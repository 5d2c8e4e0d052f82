/**
 * A tiny fault-injecting HTTP proxy for tests: put it between the order
 * service and the inventory service and decide, per request, whether it is
 * passed through, answered with a 500, never answered, or forwarded with its
 * answer lost on the way back (the upstream did the work, the caller never
 * hears about it).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FaultMode = 'pass' | 'error-500' | 'hang' | 'lose-response';

export interface ProxiedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
}

export interface FaultProxy {
  baseUrl: string;
  /** Every request that reached the proxy, in order. */
  requests: ProxiedRequest[];
  /** Decides what happens to each request (default: pass everything). */
  decide: (req: ProxiedRequest, index: number) => FaultMode;
  close(): Promise<void>;
}

const FORWARDED_HEADERS = ['accept', 'content-type', 'idempotency-key'];

export async function startFaultProxy(targetUrl: string): Promise<FaultProxy> {
  const proxy: FaultProxy = {
    baseUrl: '',
    requests: [],
    decide: () => 'pass',
    close: async () => undefined,
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ProxiedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers };
      const index = proxy.requests.push(request) - 1;
      const mode = proxy.decide(request, index);
      if (mode === 'hang') return;
      if (mode === 'error-500') {
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"detail":"Internal Server Error"}');
        return;
      }
      const headers: Record<string, string> = {};
      for (const name of FORWARDED_HEADERS) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      fetch(`${targetUrl}${request.path}`, { method: request.method, headers, body })
        .then(async (upstream) => {
          const text = await upstream.text();
          if (mode === 'lose-response') {
            req.socket.destroy();
            return;
          }
          const replayed = upstream.headers.get('idempotent-replayed');
          res.writeHead(upstream.status, {
            'content-type': upstream.headers.get('content-type') ?? 'application/json',
            ...(replayed ? { 'idempotent-replayed': replayed } : {}),
          });
          res.end(text);
        })
        .catch(() => req.socket.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  proxy.baseUrl = `http://127.0.0.1:${port}`;
  proxy.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return proxy;
}

/** True for a stock reservation call. */
export const isReserve = (req: ProxiedRequest): boolean => req.method === 'POST' && /\/reserve$/.test(req.path);
