/**
 * The ingress (provided infrastructure: read it, do not change it). Like an nginx ingress with an
 * endpoints controller in front of two Kubernetes services:
 *
 * - routes by the Host header (port ignored): ROUTES="foo.localhost=URL,URL;bar.localhost=URL,URL";
 *   an unknown host gets 404 and a body naming the hosts it knows;
 * - probes every replica's readiness (HEAD /ready) every PROBE_INTERVAL_MS (default 1000); a replica
 *   whose probe fails (not 2xx, refused, or slower than PROBE_TIMEOUT_MS) leaves the rotation at
 *   once, and comes back at its next successful probe;
 * - spreads requests round-robin over the ready replicas of the host; none ready → 503;
 * - does not retry: a replica failing mid-request gives the client 502 (or the replica's own answer);
 * - a client that goes away aborts its request to the replica.
 *
 * GET /healthz answers for the ingress itself; GET /_ingress/endpoints shows the rotation as JSON.
 */
import * as http from 'node:http';

export interface Endpoint {
  host: string;
  /** "foo.localhost#1" */
  name: string;
  url: string;
  ready: boolean;
  /** What the last probe saw: "200", "503", "ECONNREFUSED", "timeout"… */
  last: string;
  probedAt: number;
}

export interface IngressOptions {
  routes: Map<string, string[]>;
  probeIntervalMs: number;
  probeTimeoutMs: number;
  upstreamTimeoutMs: number;
}

export function parseRoutes(spec: string): Map<string, string[]> {
  const routes = new Map<string, string[]>();
  for (const part of spec.split(';')) {
    if (!part.trim()) continue;
    const eq = part.indexOf('=');
    if (eq < 1) throw new Error(`ROUTES: expected host=url,url in "${part}"`);
    const host = part.slice(0, eq).trim().toLowerCase();
    const urls = part
      .slice(eq + 1)
      .split(',')
      .map((u) => u.trim().replace(/\/$/, ''))
      .filter(Boolean);
    if (urls.length === 0) throw new Error(`ROUTES: no upstream for ${host}`);
    routes.set(host, urls);
  }
  return routes;
}

/** The host name of a Host header, lower-case, without its port. */
export function hostOf(header: string | undefined): string {
  const h = (header ?? '').trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.indexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}

export class Ingress {
  readonly endpoints: Endpoint[] = [];
  private readonly next = new Map<string, number>();
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  private timer: NodeJS.Timeout | undefined;
  readonly server: http.Server;

  constructor(private readonly opts: IngressOptions) {
    for (const [host, urls] of opts.routes) {
      urls.forEach((url, i) =>
        this.endpoints.push({ host, name: `${host}#${i + 1}`, url, ready: false, last: 'not probed yet', probedAt: 0 }),
      );
    }
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 65_000;
  }

  start(): void {
    const tick = () => {
      void Promise.all(this.endpoints.map((e) => this.probe(e))).finally(() => {
        if (this.timer !== undefined) this.timer = setTimeout(tick, this.opts.probeIntervalMs);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.agent.destroy();
  }

  private probe(e: Endpoint): Promise<void> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (ready: boolean, last: string) => {
        if (done) return;
        done = true;
        if (e.ready !== ready) console.log(`${e.name} (${e.url}) ${ready ? 'joins' : 'leaves'} the rotation: ${last}`);
        e.ready = ready;
        e.last = last;
        e.probedAt = Date.now();
        resolve();
      };
      const req = http.request(`${e.url}/ready`, { method: 'HEAD', agent: false, timeout: this.opts.probeTimeoutMs }, (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        finish(status >= 200 && status < 300, String(status));
      });
      req.on('timeout', () => {
        finish(false, 'timeout');
        req.destroy();
      });
      req.on('error', (err: NodeJS.ErrnoException) => finish(false, err.code ?? err.message));
      req.end();
    });
  }

  /** The next ready replica of a host, round-robin; undefined when none is ready. */
  pick(host: string): Endpoint | undefined {
    const ready = this.endpoints.filter((e) => e.host === host && e.ready);
    if (ready.length === 0) return undefined;
    const i = (this.next.get(host) ?? 0) % ready.length;
    this.next.set(host, i + 1);
    return ready[i];
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const host = hostOf(req.headers.host);
    const path = (req.url ?? '/').split('?')[0];
    const text = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(body);
    };
    if (!this.opts.routes.has(host)) {
      if (path === '/healthz') return text(200, 'ok\n');
      if (path === '/_ingress/endpoints') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ endpoints: this.endpoints }));
        return;
      }
      return text(404, `unknown host "${host}": this ingress knows ${[...this.opts.routes.keys()].join(', ')}\n`);
    }
    const e = this.pick(host);
    if (!e) return text(503, `no ready replica for ${host}\n`);
    const upstream = http.request(
      `${e.url}${req.url ?? '/'}`,
      {
        method: req.method,
        headers: { ...req.headers, 'x-forwarded-host': req.headers.host ?? host },
        agent: this.agent,
        timeout: this.opts.upstreamTimeoutMs,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('timeout', () => upstream.destroy(new Error('upstream timeout')));
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (!res.headersSent) text(502, `bad gateway: ${e.name}: ${err.code ?? err.message}\n`);
      else res.destroy();
    });
    // The client left: stop waiting for the replica.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }
}

if (require.main === module) {
  const ingress = new Ingress({
    routes: parseRoutes(process.env['ROUTES'] ?? ''),
    probeIntervalMs: Number(process.env['PROBE_INTERVAL_MS'] ?? 1000),
    probeTimeoutMs: Number(process.env['PROBE_TIMEOUT_MS'] ?? 500),
    upstreamTimeoutMs: Number(process.env['UPSTREAM_TIMEOUT_MS'] ?? 60_000),
  });
  ingress.start();
  ingress.server.listen(Number(process.env['PORT'] ?? 0), process.env['HOST'] ?? '127.0.0.1', () => {
    const addr = ingress.server.address();
    console.log(`ingress listening on ${typeof addr === 'object' && addr ? addr.port : 0}`);
  });
  process.on('SIGTERM', () => {
    ingress.stop();
    ingress.server.close();
    ingress.server.closeAllConnections();
  });
}
