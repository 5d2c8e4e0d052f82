/** The four tasks: rate limiter, cache, health, slow consumers — and the drills. */
import type { DeclareChecks } from 'faultline/checks';
import { Client, lbEndpoints, p99, probe, sleep, user } from './support';

const LIMITER_PROBE = `import * as path from 'node:path';
import Database from 'better-sqlite3';
import { SlidingWindowLimiter } from './rateLimiter';
let now = 60_000 * 1000 - 500;
const out: Record<string, unknown> = {};
const file = path.join(process.argv[2] ?? '.', 'limiter.db');
const open = () => { const db = new Database(file); db.pragma('busy_timeout = 5000'); return db; };
const opts = { limit: 100, windowMs: 60_000, now: () => now };
const a = new SlidingWindowLimiter(open(), opts);
const burst = Array.from({ length: 100 }, () => a.hit('u1'));
out.burstAllowed = burst.filter((d) => d.allowed).length;
out.firstRemaining = burst[0]?.remaining;
const d101 = a.hit('u1');
out.d101 = { allowed: d101.allowed, retry: d101.retryAfterSeconds };
out.otherUser = a.hit('u2').allowed;
now += 1000; // a new clock minute, still inside the sliding window
out.afterMinuteBoundary = a.hit('u1').allowed;
now += 29_000;
const retries = Array.from({ length: 100 }, () => a.hit('u1'));
out.retriesAllowed = retries.filter((d) => d.allowed).length;
out.retryAfterAt30 = retries[retries.length - 1]?.retryAfterSeconds;
now += 30_001;
out.afterWindow = a.hit('u1').allowed;
const b1 = new SlidingWindowLimiter(open(), opts);
const b2 = new SlidingWindowLimiter(open(), opts);
let shared = 0;
for (let i = 0; i < 80; i++) { if (b1.hit('u3').allowed) shared++; if (b2.hit('u3').allowed) shared++; }
out.sharedAllowed = shared;
console.log(JSON.stringify(out));
`;

const CACHE_PROBE = `import { LRUCache } from './cache';
let now = 1_000_000;
const c = new LRUCache<number>({ capacity: 3, ttlMs: 2000, now: () => now });
const got: unknown[] = [];
c.set('a', 1); c.set('b', 2); c.set('c', 3);
got.push(c.get('a'), c.get('b'), c.get('c'));
c.set('d', 4);
got.push(c.get('a') ?? null, c.get('d'));
c.set('e', 5, 1000);
got.push(c.get('e'));
now += 1100;
got.push(c.get('e') ?? null);
c.clear();
c.set('x', 1); c.set('y', 2); c.set('z', 3);
c.get('x');
c.set('w', 4);
got.push(c.get('x'), c.get('y') ?? null, c.get('z'), c.get('w'));
const s1 = c.stats();
now += 2500;
got.push(c.get('x') ?? null);
const t = new LRUCache<number>({ capacity: 2, ttlMs: 1000, now: () => now });
t.set('p', 1); t.set('q', 2); now += 500; t.set('p', 3); now += 700;
got.push(t.get('p') ?? null, t.get('q') ?? null);
console.log(JSON.stringify({ got, stats: s1, after: c.stats() }));
`;

const FANOUT_PROBE = `import { deliver } from './fanout';
function socket(drains: boolean) {
  const s = { readyState: 1, bufferedAmount: 0, max: 0, sent: 0, closed: null as null | { code: number; reason: string },
    send(data: string) { this.sent++; if (!drains) { this.bufferedAmount += data.length; this.max = Math.max(this.max, this.bufferedAmount); } },
    close(code: number, reason: string) { this.closed = { code, reason }; this.readyState = 3; } };
  return s;
}
const slow = socket(false), fast = socket(true);
const ss = { dropped: 0 }, fs = { dropped: 0 };
const frame = JSON.stringify({ type: 'chain_update', data: 'x'.repeat(4000) });
for (let i = 0; i < 2000; i++) { deliver(slow, frame, ss); deliver(fast, frame, fs); }
console.log(JSON.stringify({ slowMax: slow.max, slowSent: slow.sent, slowDropped: ss.dropped, slowClosed: slow.closed, fastSent: fast.sent, fastDropped: fs.dropped }));
`;

const checks: DeclareChecks = (check) => {
  check(
    'rate-limit-http',
    { title: '101st request → 429 with headers; another user unaffected', kind: 'functional', timeoutMs: 60_000 },
    async (t) => {
      const api = t.http('lb');
      const a = await user(t, 'rla');
      const first = await api.get('/api/data/products', { token: a.token });
      t.expect(first.status, 200, 'the first request');
      t.expect(first.headers['x-ratelimit-limit'], '100', 'X-RateLimit-Limit');
      t.expect(first.headers['x-ratelimit-remaining'], '99', 'X-RateLimit-Remaining after one request');
      if (!/^\d+$/.test(first.headers['x-ratelimit-reset'] ?? ''))
        t.fail('no numeric X-RateLimit-Reset', { actual: first.headers['x-ratelimit-reset'] });
      let ok = 1;
      for (let i = 0; i < 99; i++) if ((await api.get('/api/data/products', { token: a.token })).status === 200) ok++;
      t.expect(ok, 100, 'requests answered 200 out of the first 100 (the burst)');
      const r = await api.get('/api/data/products', { token: a.token });
      t.expect(r.status, 429, 'the 101st request within a minute');
      const body = r.body as { error?: string; limit?: number; window?: number; retry_after?: number };
      t.expect(body.error, 'Rate limit exceeded', 'the 429 error');
      t.expect(body.limit, 100, 'the 429 limit');
      t.expect(body.window, 60, 'the 429 window (s)');
      if (typeof body.retry_after !== 'number' || body.retry_after < 1 || body.retry_after > 60)
        t.fail('retry_after must be the seconds (1..60) until a request can pass again', { actual: body.retry_after });
      t.expect(r.headers['retry-after'], String(body.retry_after), 'the Retry-After header');
      t.expect(r.headers['x-ratelimit-remaining'], '0', 'X-RateLimit-Remaining on the 429');
      const b = await user(t, 'rlb');
      t.expect((await api.get('/api/data/products', { token: b.token })).status, 200, "another user's request");
    },
  );

  check(
    'rate-limit-window',
    { title: 'Sliding window, burst, rejected requests not counted', kind: 'functional', timeoutMs: 45_000 },
    async (t) => {
      const o = await probe<Record<string, unknown>>(
        t,
        'gateway/src/__faultline_limiter.ts',
        LIMITER_PROBE,
        'SlidingWindowLimiter (fake clock)',
      );
      t.log(JSON.stringify(o));
      t.expect(o['burstAllowed'], 100, '100 requests at once (the burst)');
      t.expect(o['firstRemaining'], 99, 'remaining after the first request');
      t.expect((o['d101'] as { allowed: boolean }).allowed, false, 'the 101st request');
      t.expect((o['d101'] as { retry: number }).retry, 60, 'retryAfterSeconds of the 101st (all 100 were made just now)');
      t.expect(o['otherUser'], true, 'another user');
      t.expect(o['afterMinuteBoundary'], false, 'a request 1 s later, past a clock-minute boundary (a fixed window would reset here)');
      t.expect(o['retriesAllowed'], 0, 'requests allowed 30 s later (still within the window)');
      t.expect(o['retryAfterAt30'], 30, 'retryAfterSeconds 30 s into the window');
      t.expect(o['afterWindow'], true, 'a request once the first 100 left the window — the 101 rejected retries must not count');
    },
  );

  check(
    'rate-limit-replicas',
    { title: 'The limit holds across 2 replicas (shared state)', kind: 'chaos', chaos: 'scale_out', timeoutMs: 90_000 },
    async (t) => {
      const o = await probe<Record<string, unknown>>(
        t,
        'gateway/src/__faultline_limiter.ts',
        LIMITER_PROBE,
        'SlidingWindowLimiter (two instances, one database)',
      );
      t.expect(
        o['sharedAllowed'],
        100,
        'requests allowed out of 160 alternating between two limiters over one database file (two replicas)',
      );
      // Live: both replicas in the load balancer's rotation, one user, 110 requests round-robin.
      for (let i = 0; i < 60 && (await lbEndpoints(t)).filter((e) => e.ready).length < 2; i++) await sleep(250);
      const ready = (await lbEndpoints(t)).filter((e) => e.ready).length;
      if (ready < 2) t.fail(`scale_out: only ${ready} gateway replica(s) in the rotation after 15 s`);
      const { token } = await user(t, 'rlr');
      const replicas = new Set<string>();
      let ok = 0;
      for (let i = 0; i < 110; i++) {
        const r = await t.http('lb').get('/api/data/products', { token });
        if (r.status === 200) ok++;
        if (r.headers['x-replica']) replicas.add(r.headers['x-replica']);
      }
      t.log(`replicas that answered: ${[...replicas].join(', ')}`);
      t.expect(ok, 100, 'requests answered 200 out of 110 from one user through the load balancer with 2 replicas');
    },
  );

  check('cache-lru', { title: "LRU + TTL cache: the seed's sequence", kind: 'functional', timeoutMs: 45_000 }, async (t) => {
    const o = await probe<{ got: unknown[]; stats: Record<string, number>; after: Record<string, number> }>(
      t,
      'gateway/src/__faultline_cache.ts',
      CACHE_PROBE,
      'LRUCache (fake clock)',
    );
    t.log(JSON.stringify(o));
    const expected = [1, 2, 3, null, 4, 5, null, 1, null, 3, 4, null, 3, null];
    const labels = [
      'get a',
      'get b',
      'get c',
      'get a after d evicted it',
      'get d',
      'get e',
      'get e after its 1 s TTL',
      'get x',
      'get y (LRU, evicted by w)',
      'get z',
      'get w',
      'get x after the 2 s TTL',
      'get p (re-set 700 ms ago)',
      'get q (expired 200 ms ago)',
    ];
    expected.forEach((v, i) => t.expect(o.got[i] ?? null, v, labels[i] ?? `get #${i}`));
    // The seed's sequence: 9 hits, 3 misses, 3 evictions (a, b, y), 1 expiration (e) → hit rate 0.75.
    // (The seed's printed "2 evictions, 0.667" does not follow from its own sequence.)
    t.expect(o.stats['hits'], 9, 'hits after the sequence');
    t.expect(o.stats['misses'], 3, 'misses after the sequence');
    t.expect(o.stats['evictions'], 3, 'evictions after the sequence');
    t.expect(o.stats['hitRate'], 0.75, 'hitRate after the sequence');
    t.expect(o.stats['size'], 3, 'size after the sequence');
    t.expect(o.after['expirations'], 2, 'expirations (e, then x)');
  });

  check(
    'health-slow-dependency',
    {
      title: 'slow_dependency: /health fast, replica kept, clients connected',
      kind: 'chaos',
      chaos: 'slow_dependency',
      timing: true,
      timeoutMs: 60_000,
    },
    async (t) => {
      const since = Date.now();
      // Three probe rounds after the store became slow.
      for (let i = 0; i < 40; i++) {
        const e = await lbEndpoints(t);
        if ((e[0]?.probedAt ?? 0) > since + 2000) break;
        await sleep(250);
      }
      const gw = await lbEndpoints(t);
      if (!gw[0]?.ready) t.fail(`the load balancer pulled ${gw[0]?.name}: its last probe saw "${gw[0]?.last}"`, { actual: gw });
      const { token } = await user(t, 'hs');
      const c = await Client.open(t, token);
      c.send({ action: 'subscribe', type: 'product', symbol: 'NIFTY' });
      await c.next((f) => f.type === 'underlying_update', 10_000, 'NIFTY updates').catch(() => t.fail('no NIFTY update within 10 s'));
      const times: number[] = [];
      for (let i = 0; i < 5; i++)
        times.push(
          (
            await t
              .http('gateway')
              .get('/health', { timeoutMs: 3000 })
              .catch(() => ({ ms: 3000, status: 0 }))
          ).ms,
        );
      const worst = Math.max(...times);
      if (worst >= 100) t.fail(`GET /health took ${worst} ms with a slow store`, { expected: '< 100 ms', actual: times });
      const mark = c.frames.length;
      await c.next((f) => f.type === 'underlying_update', 5000, 'more updates', mark).catch(() => undefined);
      await c.until(() => c.frames.length > mark + 2 || c.closed !== undefined, 5000, 'three more updates').catch(() => undefined);
      if (c.closed) t.fail(`the client was disconnected: ${c.closed.code} ${c.closed.reason}`);
      const after = await lbEndpoints(t);
      if ((after[0]?.cut ?? 0) > 0) t.fail(`the load balancer cut ${after[0]?.cut} WebSocket(s) of ${after[0]?.name}`);
      c.close();
    },
  );

  check('health-deep', { title: '/health/deep reports the store and the broker', kind: 'functional', timeoutMs: 20_000 }, async (t) => {
    const r = await t.http('gateway').get('/health/deep', { timeoutMs: 5000 });
    t.expect(r.status, 200, 'GET /health/deep with every dependency up');
    const checks = (r.body as { checks?: Record<string, unknown> }).checks ?? {};
    for (const dep of ['store', 'broker'])
      if (typeof checks[dep] !== 'object') t.fail(`/health/deep has no checks.${dep}`, { actual: r.body });
  });

  check('slow-consumer-bounded', { title: 'Bounded per-client buffers', kind: 'functional', timeoutMs: 45_000 }, async (t) => {
    const o = await probe<{
      slowMax: number;
      slowSent: number;
      slowDropped: number;
      slowClosed: { code: number; reason: string } | null;
      fastSent: number;
      fastDropped: number;
    }>(t, 'gateway/src/__faultline_fanout.ts', FANOUT_PROBE, 'deliver() with a socket that never drains');
    t.log(JSON.stringify(o));
    t.expect(o.fastSent, 2000, 'frames sent to a client that keeps up');
    if (o.slowMax > 2 * 1024 * 1024)
      t.fail(`the gateway buffered ${o.slowMax} bytes for one client that never reads`, { expected: '≤ 2 MB', actual: o.slowMax });
    if (o.slowDropped === 0 && !o.slowClosed) t.fail('the slow client was neither dropped nor disconnected');
    if (o.slowClosed && !o.slowClosed.reason) t.fail('the slow client was closed without a reason');
  });

  check(
    'fast-client-p99',
    {
      title: "slow_consumers: a fast client's p99 delay < 250 ms",
      kind: 'chaos',
      chaos: 'slow_consumers',
      timing: true,
      timeoutMs: 60_000,
    },
    async (t) => {
      for (let i = 0; i < 60; i++) {
        const crowd = (await t.http('lb').get('/_lb/crowd')).body as { slow: { opened: number } };
        if (crowd.slow.opened >= 20) break;
        await sleep(250);
      }
      const { token } = await user(t, 'fast');
      const c = await Client.open(t, token);
      c.send({ action: 'subscribe', type: 'chain', symbol: 'NIFTY' });
      c.send({ action: 'subscribe', type: 'product', symbol: 'NIFTY' });
      const live = () => c.frames.filter((f) => typeof f.frame.ts === 'number' && !f.frame.snapshot);
      await c.until(() => live().length >= 120 || c.closed !== undefined, 30_000, '120 live frames').catch(() => undefined);
      if (c.closed) t.fail(`the fast client was disconnected: ${c.closed.code} ${c.closed.reason}`);
      const delays = live().map((f) => f.at - (f.frame.ts as number));
      if (delays.length < 40) t.fail(`only ${delays.length} live frames in 30 s at 10 ticks a second`);
      const p = p99(delays);
      t.log(`${delays.length} frames, p99 ${p} ms`);
      if (p >= 250) t.fail(`the fast client's p99 delay is ${p} ms`, { expected: '< 250 ms', actual: p });
      c.close();
    },
  );

  check(
    'connection-storm',
    { title: 'connection_storm: 500 clients, 500 snapshots', kind: 'chaos', chaos: 'connection_storm', timing: true, timeoutMs: 60_000 },
    async (t) => {
      let storm: { target: number; snapshots: number; failed: number; done: boolean; errors: string[]; p99Ms: number } | undefined;
      for (let i = 0; i < 160; i++) {
        storm = ((await t.http('lb').get('/_lb/crowd')).body as { storm: typeof storm }).storm;
        if (storm?.target === 500 && storm.done) break;
        await sleep(250);
      }
      if (!storm?.done) t.fail('the storm did not finish within 40 s', { actual: storm });
      t.log(`snapshots ${storm?.snapshots}, failed ${storm?.failed}, p99 ${storm?.p99Ms} ms`);
      t.expect(storm?.snapshots, 500, `clients that got their snapshot (errors: ${(storm?.errors ?? []).slice(0, 3).join('; ')})`);
    },
  );
};
export default checks;
