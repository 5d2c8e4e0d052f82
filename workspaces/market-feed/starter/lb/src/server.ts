/**
 * The load balancer (provided infrastructure: read it, do not change it), in front of the gateway
 * replicas — like a cloud load balancer with health checks:
 *
 * - GATEWAYS="url,url": the replicas. The first `replicas` of them (a setting, default 1) are
 *   candidates for the rotation; raising it to 2 is a scale-out.
 * - Probes every candidate's GET /health every PROBE_INTERVAL_MS (1000) with a PROBE_TIMEOUT_MS
 *   (1000) timeout. A replica whose probe fails (not 2xx, refused, or too slow) leaves the rotation
 *   at once — and every WebSocket it carries is cut — and rejoins at its next good probe.
 * - Round-robins HTTP requests and WebSocket upgrades over the ready replicas; none ready → 503.
 *
 * It also hosts synthetic clients for the drills (settings `slow_consumers`: that many WebSocket
 * clients that subscribe to every chain and never read; `storm`: that many clients connecting within
 * 2 s, each waiting for its snapshot).
 *
 * GET /_lb/health (the LB itself), GET /_lb/endpoints (the rotation), GET /_lb/crowd (the synthetic
 * clients). Settings live in DATABASE_PATH (table settings).
 */
import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import { createLogger } from '../../shared/logger';
import { SYMBOLS } from '../../shared/market';
import { Settings } from '../../shared/settings';

const log = createLogger('lb');
const settings = new Settings(process.env['DATABASE_PATH'] ?? 'data/lb.db', { replicas: 1, slow_consumers: 0, storm: 0 });
const PROBE_INTERVAL_MS = Number(process.env['PROBE_INTERVAL_MS'] ?? 1000);
const PROBE_TIMEOUT_MS = Number(process.env['PROBE_TIMEOUT_MS'] ?? 1000);

interface Endpoint {
  name: string;
  url: string;
  ready: boolean;
  last: string;
  probedAt: number;
  sockets: Set<Duplex>;
  cut: number;
}

const endpoints: Endpoint[] = (process.env['GATEWAYS'] ?? 'http://127.0.0.1:4300')
  .split(',')
  .map((u) => u.trim().replace(/\/$/, ''))
  .filter(Boolean)
  .map((url, i) => ({ name: `gateway#${i + 1}`, url, ready: false, last: 'not probed yet', probedAt: 0, sockets: new Set(), cut: 0 }));
const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
let next = 0;

const wanted = (i: number) => i < Math.max(1, settings.get('replicas'));

function setReady(e: Endpoint, ready: boolean, last: string): void {
  if (e.ready !== ready) log.info(`${e.name} ${ready ? 'joins' : 'leaves'} the rotation (${last})`);
  if (e.ready && !ready && e.sockets.size > 0) {
    log.warn(`${e.name}: cutting ${e.sockets.size} WebSocket connection(s)`);
    e.cut += e.sockets.size;
    for (const s of e.sockets) s.destroy();
    e.sockets.clear();
  }
  e.ready = ready;
  e.last = last;
  e.probedAt = Date.now();
}

function probe(e: Endpoint, i: number): Promise<void> {
  if (!wanted(i)) {
    setReady(e, false, 'not scaled in');
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    let done = false;
    const finish = (ready: boolean, last: string) => {
      if (done) return;
      done = true;
      setReady(e, ready, last);
      resolve();
    };
    const req = http.get(`${e.url}/health`, { agent: false, timeout: PROBE_TIMEOUT_MS }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      finish(status >= 200 && status < 300, String(status));
    });
    req.on('timeout', () => {
      finish(false, `timeout (${PROBE_TIMEOUT_MS} ms)`);
      req.destroy();
    });
    req.on('error', (err: NodeJS.ErrnoException) => finish(false, err.code ?? err.message));
  });
}

let probing: NodeJS.Timeout | undefined;
const probeAll = () => {
  void Promise.all(endpoints.map((e, i) => probe(e, i))).finally(() => {
    probing = setTimeout(probeAll, PROBE_INTERVAL_MS);
  });
};
probeAll();
settings.watch((changed) => {
  if (changed.includes('replicas')) log.info(`scaled to ${settings.get('replicas')} replica(s)`);
  if (changed.includes('slow_consumers')) void crowd.slow(settings.get('slow_consumers'));
  if (changed.includes('storm')) void crowd.storm(settings.get('storm'));
});

function pick(): Endpoint | undefined {
  const ready = endpoints.filter((e, i) => e.ready && wanted(i));
  if (ready.length === 0) return undefined;
  next = (next + 1) % ready.length;
  return ready[next];
}

const json = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

const server = http.createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/_lb/health') return json(res, 200, { status: 'ok' });
  if (path === '/_lb/endpoints')
    return json(res, 200, {
      replicas: settings.get('replicas'),
      endpoints: endpoints.map(({ name, url, ready, last, probedAt, sockets, cut }) => ({
        name,
        url,
        ready,
        last,
        probedAt,
        websockets: sockets.size,
        cut,
      })),
    });
  if (path === '/_lb/crowd') return json(res, 200, crowd.report());
  const e = pick();
  if (!e) return json(res, 503, { error: 'no gateway replica is ready' });
  const upstream = http.request(`${e.url}${req.url ?? '/'}`, { method: req.method, headers: req.headers, agent }, (up) => {
    res.writeHead(up.statusCode ?? 502, up.headers);
    up.pipe(res);
  });
  upstream.on('error', (err) => {
    if (!res.headersSent) json(res, 502, { error: `${e.name} failed: ${err.message}` });
    else res.destroy();
  });
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
});

server.on('upgrade', (req, socket, head) => {
  const e = pick();
  if (!e) {
    socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  socket.on('error', () => socket.destroy());
  const upstream = http.request(`${e.url}${req.url ?? '/'}`, { method: req.method, headers: req.headers, agent: false });
  upstream.on('upgrade', (up, upSocket, upHead) => {
    const lines = [`HTTP/1.1 ${up.statusCode ?? 101} ${up.statusMessage ?? 'Switching Protocols'}`];
    for (let i = 0; i < up.rawHeaders.length; i += 2) lines.push(`${up.rawHeaders[i]}: ${up.rawHeaders[i + 1]}`);
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (upHead.length > 0) socket.write(upHead);
    if (head.length > 0) upSocket.write(head);
    upSocket.on('error', () => socket.destroy());
    socket.on('close', () => upSocket.destroy());
    upSocket.on('close', () => socket.destroy());
    upSocket.pipe(socket);
    socket.pipe(upSocket);
    e.sockets.add(socket);
    socket.on('close', () => e.sockets.delete(socket));
  });
  upstream.on('response', (up) => {
    socket.end(`HTTP/1.1 ${up.statusCode ?? 502} ${up.statusMessage ?? ''}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    up.resume();
  });
  upstream.on('error', () => socket.end('HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'));
  upstream.end();
});

/** The synthetic clients. */
const crowd = (() => {
  const slowSockets: WebSocket[] = [];
  const slowState = { target: 0, opened: 0, closedByServer: 0, reasons: {} as Record<string, number> };
  let stormState = { target: 0, opened: 0, snapshots: 0, failed: 0, done: true, startedAt: 0, p99Ms: 0, errors: [] as string[] };
  let stormSockets: WebSocket[] = [];
  let token: string | undefined;

  const base = () => `127.0.0.1:${(server.address() as { port: number }).port}`;
  async function login(): Promise<string> {
    if (token) return token;
    const res = await fetch(`http://${base()}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: `crowd-${process.pid}-${Date.now()}`, password: 'crowd-password' }),
    });
    const body = (await res.json()) as { token?: string; error?: string };
    if (!body.token) throw new Error(`register: ${res.status} ${body.error ?? ''}`);
    token = body.token;
    return token;
  }

  async function slow(n: number): Promise<void> {
    slowState.target = n;
    while (slowSockets.length > n) slowSockets.pop()?.terminate();
    if (slowSockets.length >= n) return;
    const t = await login().catch((err: Error) => {
      log.warn(`slow consumers: ${err.message}`);
      return undefined;
    });
    if (!t) return;
    while (slowSockets.length < slowState.target) {
      const ws = new WebSocket(`ws://${base()}/ws?token=${t}`);
      slowSockets.push(ws);
      ws.on('open', () => {
        slowState.opened += 1;
        for (const symbol of SYMBOLS) {
          ws.send(JSON.stringify({ action: 'subscribe', type: 'chain', symbol }));
          ws.send(JSON.stringify({ action: 'subscribe', type: 'product', symbol }));
        }
        ws.pause(); // never reads again
      });
      ws.on('close', (code, reason) => {
        const i = slowSockets.indexOf(ws);
        if (i >= 0) {
          slowSockets.splice(i, 1);
          slowState.closedByServer += 1;
          const key = `${code} ${reason.toString()}`.trim();
          slowState.reasons[key] = (slowState.reasons[key] ?? 0) + 1;
        }
      });
      ws.on('error', () => undefined);
    }
    log.info(`${n} slow consumer(s)`);
  }

  async function storm(n: number): Promise<void> {
    for (const s of stormSockets) s.terminate();
    stormSockets = [];
    if (n <= 0) return;
    stormState = { target: n, opened: 0, snapshots: 0, failed: 0, done: false, startedAt: Date.now(), p99Ms: 0, errors: [] };
    const state = stormState;
    const t = await login().catch((err: Error) => {
      state.errors.push(err.message);
      return undefined;
    });
    if (!t) return void (state.done = true);
    const delays: number[] = [];
    const settle = () => {
      if (state.done || state.snapshots + state.failed < state.target) return;
      state.done = true;
      delays.sort((a, b) => a - b);
      state.p99Ms = delays[Math.min(delays.length - 1, Math.floor(delays.length * 0.99))] ?? 0;
      log.info(`storm: ${state.snapshots}/${state.target} snapshots, ${state.failed} failed, p99 ${state.p99Ms} ms`);
      for (const s of stormSockets) s.close(1000, 'storm over');
    };
    for (let i = 0; i < n; i++) {
      setTimeout(
        () => {
          if (state !== stormState) return;
          const started = Date.now();
          const ws = new WebSocket(`ws://${base()}/ws?token=${t}`);
          stormSockets.push(ws);
          let got = false;
          const fail = (why: string) => {
            if (got) return;
            got = true;
            state.failed += 1;
            if (state.errors.length < 10) state.errors.push(why);
            settle();
          };
          ws.on('open', () => {
            state.opened += 1;
            ws.send(JSON.stringify({ action: 'subscribe', type: 'product', symbol: SYMBOLS[i % SYMBOLS.length] }));
          });
          ws.on('message', (data) => {
            const msg = JSON.parse((data as Buffer).toString('utf8')) as { type?: string; snapshot?: boolean };
            if (!got && msg.type === 'underlying_update' && msg.snapshot) {
              got = true;
              state.snapshots += 1;
              delays.push(Date.now() - started);
              settle();
            }
          });
          ws.on('close', (code) => fail(`closed ${code} before its snapshot`));
          ws.on('error', (err) => fail(err.message));
          setTimeout(() => fail('no snapshot within 15 s'), 15_000).unref();
        },
        Math.floor((i * 2000) / n),
      );
    }
  }

  return {
    slow,
    storm,
    report: () => ({ slow: { ...slowState, open: slowSockets.length }, storm: stormState }),
  };
})();

server.listen(Number(process.env['PORT'] ?? 4000), process.env['HOST'] ?? '127.0.0.1', () => {
  log.info(`load balancer over ${endpoints.map((e) => e.name).join(', ')}`);
  void crowd.slow(settings.get('slow_consumers'));
  void crowd.storm(settings.get('storm'));
});

const stop = () => {
  clearTimeout(probing);
  server.close();
  agent.destroy();
  settings.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
