/**
 * An echo service (provided infrastructure, like the http-echo pods of the original pipeline).
 *
 *   GET /         200 text/plain with the service name ("foo"), header X-Replica: foo-1
 *   GET /healthz  liveness: 200 as soon as the process runs
 *   GET /ready    readiness: 503 until READY_DELAY_MS after start-up (warming up), then 200
 *
 * Environment: SERVICE_NAME (the text it answers), READY_DELAY_MS (default 1500), REPLICA (which
 * replica this process is, set by the supervisor), PORT, HOST.
 */
import * as http from 'node:http';

export interface EchoOptions {
  name: string;
  replica: string;
  readyDelayMs: number;
}

export function createEcho(opts: EchoOptions): http.Server {
  const startedAt = Date.now();
  const replica = `${opts.name}-${opts.replica}`;
  return http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, text: string) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-replica': replica });
      res.end(req.method === 'HEAD' ? undefined : text);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');
    if (path === '/healthz') return send(200, 'ok\n');
    if (path === '/ready') {
      const warm = Date.now() - startedAt >= opts.readyDelayMs;
      return warm ? send(200, 'ready\n') : send(503, 'warming up\n');
    }
    if (path === '/') return send(200, opts.name);
    return send(404, 'not found\n');
  });
}

if (require.main === module) {
  const name = process.env['SERVICE_NAME'] ?? 'echo';
  const readyDelayMs = Number(process.env['READY_DELAY_MS'] ?? 1500);
  const server = createEcho({ name, replica: process.env['REPLICA'] ?? '1', readyDelayMs });
  server.keepAliveTimeout = 65_000;
  server.listen(Number(process.env['PORT'] ?? 0), process.env['HOST'] ?? '127.0.0.1', () => {
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    console.log(`${name} replica ${process.env['REPLICA'] ?? '1'} listening on ${port} (ready after ${readyDelayMs} ms)`);
  });
}
