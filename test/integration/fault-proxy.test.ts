/**
 * The fault proxy over real sockets: forwarding (keep-alive, WebSocket), metrics, and every
 * traffic fault with its revert. Upstreams are plain servers started by the test.
 */
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type * as net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { FAULT_TYPES } from '../../extension/engine/chaos/faults';
import { FaultProxy } from '../../servers/fault-proxy/proxy';

interface Reply {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

function request(url: string, init: { method?: string; body?: string; agent?: http.Agent; timeoutMs?: number } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: init.method ?? 'GET', agent: init.agent ?? false, timeout: init.timeoutMs ?? 10_000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('client timeout'), { code: 'CLIENT_TIMEOUT' })));
    req.on('error', reject);
    req.end(init.body);
  });
}

async function errorCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'no error';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
  }
}

describe('fault proxy', () => {
  /** Resolves when the next request enters the hook of fault `id` (it is held there). */
  const heldNext = (id: string) =>
    new Promise<void>((resolve) => {
      const on = (e: { fault: string }) => {
        if (e.fault !== id) return;
        proxy.events.off('hold', on);
        resolve();
      };
      proxy.events.on('hold', on);
    });
  let upstream: http.Server;
  let upstreamUrl = '';
  let commits = 0;
  const sockets = new Set<net.Socket>();
  const proxy = new FaultProxy();
  let api = '';
  let edge = '';
  let seq = 0;
  const add = (
    type: string,
    params: Record<string, unknown> = {},
    opts: { listeners?: string[]; probability?: number; seed?: number } = {},
  ) => {
    const id = `t${++seq}`;
    proxy.addFault({ id, type, listeners: opts.listeners ?? ['api'], probability: opts.probability ?? 1, seed: opts.seed ?? 1, params });
    return id;
  };

  before(async () => {
    upstream = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'POST' && url.pathname === '/commit') {
        commits++;
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ commits }));
        return;
      }
      if (url.pathname === '/bytes') {
        const n = Number(url.searchParams.get('n'));
        res.writeHead(200, { 'content-length': n });
        res.end(Buffer.alloc(n, 120));
        return;
      }
      let body = '';
      req.setEncoding('utf8').on('data', (d: string) => (body += d));
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes' });
        res.end(JSON.stringify({ method: req.method, url: req.url, body, port: req.socket.remotePort, host: req.headers.host }));
      });
    });
    upstream.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    const wss = new WebSocketServer({ server: upstream });
    wss.on('connection', (ws) => ws.on('message', (m: Buffer) => ws.send(`echo:${m.toString()}`)));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as net.AddressInfo).port}`;
    api = (await proxy.listen({ id: 'api', service: 'api', upstreams: [upstreamUrl] })).url;
    edge = (await proxy.listen({ id: 'web->api', service: 'api', from: 'web', upstreams: [upstreamUrl] })).url;
  });
  after(async () => {
    await proxy.close();
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => upstream.close(() => r()));
  });

  it('forwards method, path, body and headers, keeping client connections alive', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const a = JSON.parse((await request(`${api}/things/7?x=1`, { method: 'PUT', body: 'hello', agent })).body) as Record<string, unknown>;
    const b = await request(`${api}/things/8`, { agent });
    agent.destroy();
    assert.deepEqual({ method: a['method'], url: a['url'], body: a['body'] }, { method: 'PUT', url: '/things/7?x=1', body: 'hello' });
    assert.equal(b.headers['x-upstream'], 'yes');
    const m = proxy.metrics().find((x) => x.listener === 'api');
    const route = m?.routes.find((r) => r.method === 'PUT' && r.route === '/things/:id');
    assert.equal(route?.count, 1);
    assert.deepEqual(route?.statuses, { '200': 1 });
    const latency = route?.latencyMs;
    assert.ok(latency && latency.min > 0 && latency.min <= latency.p50 && latency.p50 <= latency.max, JSON.stringify(latency));
    assert.deepEqual([route?.injected, route?.faults], [0, {}], 'no fault touched it');
  });

  it('passes WebSocket upgrades through', async () => {
    const ws = new WebSocket(api.replace('http', 'ws') + '/socket');
    const reply = await new Promise<string>((resolve, reject) => {
      ws.on('open', () => ws.send('ping'));
      ws.on('message', (m: Buffer) => resolve(m.toString()));
      ws.on('error', reject);
    });
    ws.close();
    assert.equal(reply, 'echo:ping');
    assert.equal(proxy.metrics().find((x) => x.listener === 'api')?.upgrades, 1);
  });

  it('latency holds matching requests (counted per route) and releases held ones at once on removal', async () => {
    const id = add('latency', { ms: 600_000 });
    const held0 = heldNext(id);
    let done = false;
    const slow = request(`${api}/slow`).then((r) => {
      done = true;
      return r;
    });
    await held0;
    assert.equal(done, false, 'the request waits in the fault');
    assert.equal(proxy.removeFault(id).released, 1);
    assert.equal((await slow).status, 200);
    const route = proxy
      .metrics()
      .find((x) => x.listener === 'api')
      ?.routes.find((r) => r.route === '/slow');
    assert.deepEqual([route?.faults, route?.injected], [{ latency: 1 }, 0], 'delayed, not answered by the fault');
    const matched = add('latency', { ms: 600_000, match: { method: 'POST', path: '/slow' } });
    assert.equal((await request(`${api}/slow`)).status, 200, 'a GET is outside the match: not held');
    assert.equal((await request(`${api}/other`, { method: 'POST' })).status, 200, 'another path is outside the match');
    proxy.removeFault(matched);
    const long = add('latency', { ms: 600_000 });
    const holding = heldNext(long);
    const held = request(`${api}/held`);
    await holding;
    assert.equal(proxy.removeFault(long).released, 1);
    assert.equal((await held).status, 200, 'the held request went through after removal');
  });

  it('http_error answers the status without reaching the service; firstN fails only the first N', async () => {
    const id = add('http_error', { status: 503, firstN: 2 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await request(`${api}/x`)).status);
    assert.deepEqual(statuses, [503, 503, 200, 200]);
    proxy.removeFault(id);
    const custom = add('http_error', { status: 429, body: { detail: 'slow down' }, retryAfterSeconds: 3 });
    const r = await request(`${api}/x`);
    assert.deepEqual([r.status, JSON.parse(r.body), r.headers['retry-after']], [429, { detail: 'slow down' }, '3']);
    proxy.removeFault(custom);
    assert.equal((await request(`${api}/x`)).status, 200);
  });

  it('probability is seeded: the same seed makes the same decisions', async () => {
    const run = async () => {
      const id = add('http_error', { status: 500 }, { probability: 0.5, seed: 42 });
      const out: number[] = [];
      for (let i = 0; i < 20; i++) out.push((await request(`${api}/p`)).status);
      proxy.removeFault(id);
      return out;
    };
    const first = await run();
    assert.deepEqual(await run(), first);
    assert.ok(first.includes(500) && first.includes(200), first.join(','));
  });

  it('every request-level fault replays exactly with the same seed, and nothing but the seed decides', async () => {
    // Parameters that make each fault quick; the probability makes every one of them random.
    const params: Record<string, Record<string, unknown>> = {
      latency: { ms: 2, jitterMs: 2 },
      hang: { holdMs: 5 },
      bandwidth: { bytesPerSecond: 1_000_000 },
      partition: { between: ['web', 'api'] },
      concurrent_burst: { path: '/burst', forward: { method: 'POST', path: '/commit' } },
    };
    // The request each fault acts on (others: any GET).
    const calls: Record<string, { method: string; path: string }> = {
      response_lost_after_commit: { method: 'POST', path: '/commit' },
      concurrent_burst: { method: 'POST', path: '/burst?count=2' },
    };
    const randomFaults = FAULT_TYPES.filter((f) => f.toxic && ['request', 'response', 'body'].some((hook) => hook in (f.toxic ?? {})));
    assert.ok(randomFaults.length >= 8, randomFaults.map((f) => f.type).join(', '));
    const realRandom = Math.random;
    let unseeded = 0;
    Math.random = () => {
      unseeded++;
      return realRandom();
    };
    // A blackholed request (partition) is held until the fault goes: it counts as "held" the moment
    // the proxy holds it (its event). A client timeout deciding instead failed on a loaded machine,
    // where an answered request took longer than the timeout. `settled` is when it has ended.
    const outcome = (url: string, method: string, id: string, holdsUntilRemoved: boolean) => {
      let onHold: (e: { fault: string }) => void = () => undefined;
      const held = new Promise<string>((resolve) => {
        onHold = (e) => {
          if (e.fault === id) resolve('held');
        };
      });
      if (holdsUntilRemoved) proxy.events.on('hold', onHold);
      const settled = request(url, { method })
        .then(
          (x) => String(x.status),
          (err: NodeJS.ErrnoException) => err.code ?? err.message,
        )
        .finally(() => proxy.events.off('hold', onHold));
      return { result: holdsUntilRemoved ? Promise.race([settled, held]) : settled, settled };
    };
    try {
      for (const type of randomFaults) {
        const run = async (seed: number) => {
          const id = add(type.type, params[type.type] ?? {}, { probability: 0.5, seed, listeners: ['api', 'web->api'] });
          const out: string[] = [];
          const settled: Promise<string>[] = [];
          const call = calls[type.type] ?? { method: 'GET', path: '/bytes?n=64' };
          for (let i = 0; i < 12; i++) {
            const o = outcome(`${i % 2 ? edge : api}${call.path}`, call.method, id, type.type === 'partition');
            out.push(await o.result);
            settled.push(o.settled);
          }
          proxy.removeFault(id); // lets the held requests through
          await Promise.all(settled);
          const route = proxy
            .metrics()
            .find((m) => m.listener === 'api')
            ?.routes.find((x) => call.path.split('?')[0] === x.route);
          proxy.resetMetrics();
          return { out, acted: route?.faults[type.type] ?? 0 };
        };
        const first = await run(7);
        assert.deepEqual(await run(7), first, `${type.type}: the same seed, the same run`);
        assert.ok(first.acted > 0 && first.acted < 6, `${type.type} acted on some requests, not all: ${first.acted} of 6 on api`);
      }
    } finally {
      Math.random = realRandom;
    }
    assert.equal(unseeded, 0, 'no fault decides with Math.random');
  });

  it('hang holds requests (client timeout) and lets them through when removed; holdMs closes them', async () => {
    const id = add('hang');
    assert.equal(await errorCode(request(`${api}/h`, { timeoutMs: 200 })), 'CLIENT_TIMEOUT');
    const holding = heldNext(id);
    const held = request(`${api}/h2`);
    await holding;
    assert.equal(proxy.removeFault(id).released, 1);
    assert.equal((await held).status, 200);
    const closing = add('hang', { holdMs: 100 });
    assert.equal(await errorCode(request(`${api}/h3`)), 'ECONNRESET');
    proxy.removeFault(closing);
  });

  it('reset_peer resets the connection', async () => {
    const id = add('reset_peer');
    assert.equal(await errorCode(request(`${api}/r`)), 'ECONNRESET');
    proxy.removeFault(id);
    assert.equal((await request(`${api}/r`)).status, 200);
  });

  it('down refuses connections and listens again on the same port when removed', async () => {
    const port = new URL(api).port;
    const id = add('down');
    assert.equal(await errorCode(request(`${api}/d`)), 'ECONNREFUSED');
    proxy.removeFault(id);
    await waitFor(async () => (await errorCode(request(`${api}/d`))) === 'no error');
    assert.equal(new URL(api).port, port);
    assert.equal(proxy.listenerInfos().find((l) => l.id === 'api')?.down, false);
  });

  it('bandwidth streams the answer in slices of 1/20 s worth', async () => {
    const chunks = async () => {
      const sizes: number[] = [];
      await new Promise<void>((resolve, reject) => {
        http
          .get(`${api}/bytes?n=10000`, { agent: false }, (res) => {
            res.on('data', (d: Buffer) => sizes.push(d.length));
            res.on('end', resolve);
          })
          .on('error', reject);
      });
      return sizes;
    };
    assert.ok((await chunks()).length < 5, 'without the fault 10 kB arrive in a write or two');
    const id = add('bandwidth', { bytesPerSecond: 20_000 });
    const sizes = await chunks();
    proxy.removeFault(id);
    assert.equal(
      sizes.reduce((a, b) => a + b, 0),
      10_000,
    );
    assert.ok(sizes.length >= 10 && sizes.every((n) => n <= 1000), `10 slices of at most 1000 bytes: ${sizes.join(',')}`);
  });

  it('response_lost_after_commit lets the service commit and loses the answer', async () => {
    const before = commits;
    const id = add('response_lost_after_commit', { firstN: 1 });
    assert.equal(await errorCode(request(`${api}/commit`, { method: 'POST' })), 'ECONNRESET');
    assert.equal(commits, before + 1, 'the service did the work');
    const retry = await request(`${api}/commit`, { method: 'POST' });
    assert.equal(retry.status, 201, 'only the first answer is lost');
    assert.equal(commits, before + 2, 'a blind retry applies the operation twice');
    assert.equal((await request(`${api}/read`)).status, 200, 'reads are not affected');
    proxy.removeFault(id);
  });

  it('partition cuts only the edge between two services', async () => {
    const id = add('partition', { between: ['web', 'api'], mode: 'refuse' }, { listeners: ['web->api'] });
    assert.equal(await errorCode(request(`${edge}/e`)), 'ECONNREFUSED');
    assert.equal((await request(`${api}/e`)).status, 200, 'clients still reach api');
    proxy.removeFault(id);
    await waitFor(async () => (await errorCode(request(`${edge}/e`))) === 'no error');
  });

  it('concurrent_burst fires N copies with the caller headers and reports duplicates', async () => {
    const id = add('concurrent_burst', { path: '/burst', forward: { method: 'POST', path: '/commit' }, idField: 'commits' });
    const r = JSON.parse((await request(`${api}/burst?count=4`, { method: 'POST' })).body) as {
      concurrent_calls: number;
      results: { count: number }[];
      duplicates: unknown[];
    };
    assert.equal(r.concurrent_calls, 4);
    assert.equal(r.results.length, 4);
    assert.deepEqual(r.duplicates, [], 'each commit returned a different number');
    assert.equal((await request(`${api}/burst?count=nope`, { method: 'POST' })).status, 422);
    proxy.removeFault(id);
  });

  it('serves fixed routes and reports a dead upstream as 502', async () => {
    proxy.setStaticRoutes('api', [{ method: 'GET', path: '/scenario', status: 200, body: { scenario_id: 'x' } }]);
    assert.deepEqual(JSON.parse((await request(`${api}/scenario`)).body), { scenario_id: 'x' });
    proxy.setStaticRoutes('api', []);
    const dead = await proxy.listen({ id: 'dead', service: 'dead', upstreams: ['http://127.0.0.1:1'] });
    const r = await request(`${dead.url}/x`);
    assert.equal(r.status, 502);
    assert.match(r.body, /dead is not answering \(connection refused\)/);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
