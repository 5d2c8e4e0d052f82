/**
 * The fault proxy: an HTTP-aware proxy with one listener per service (public) and per dependency
 * edge ("orders->inventory"), so every request between clients and services, and between
 * services, crosses it. Faults (toxics from the engine's registry) act per request; without
 * faults a request takes the fast path: match nothing, forward, count.
 */
import * as http from 'node:http';
import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import { faultType, withDefaults } from '../../extension/engine/chaos/faults';
import { seededRandom, type Random } from '../../extension/engine/chaos/random';
import type { Exchange, Toxic } from '../../extension/engine/chaos/types';
import type {
  ListenerInfo,
  ListenerMetrics,
  ListenerSpec,
  ProxyFaultSpec,
  RouteMetrics,
  StaticRoute,
} from '../../extension/engine/model/proxy';
import { FaultlineError } from '../../extension/engine/errors';
import { hostAccepted } from '../../extension/engine/protocol/hosts';
import { actsOnTcp, TcpListener } from './tcp';
import { HoldableListener } from './holdable';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
]);
const BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];
const SAMPLES = 2048;

function forwardHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  const extra = String(headers['connection'] ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP_BY_HOP.has(k) && !extra.includes(k)) out[k] = v;
  return out;
}

/** "/alerts/42?x=1" → "/alerts/:id" (numbers, UUIDs and long hex ids become :id). */
export function routeOf(url: string): string {
  const path = url.split('?')[0] ?? '/';
  return path
    .split('/')
    .map((seg) =>
      /^\d+$/.test(seg) || /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(seg) || /^[0-9a-f]{24,}$/i.test(seg)
        ? ':id'
        : seg,
    )
    .join('/');
}

/** What faults did to one request: answered it instead of the upstream, and which fault types acted on it. */
interface FaultMarks {
  injected: boolean;
  types: Set<string>;
}

class RouteStats {
  count = 0;
  injected = 0;
  faults: Record<string, number> = {};
  statuses: Record<string, number> = {};
  min = Infinity;
  max = 0;
  sum = 0;
  buckets = new Array<number>(BUCKETS.length + 1).fill(0);
  samples: number[] = [];
  private next = 0;

  record(status: number, ms: number, marks: FaultMarks): void {
    this.count++;
    if (marks.injected) this.injected++;
    for (const type of marks.types) this.faults[type] = (this.faults[type] ?? 0) + 1;
    const key = status === 0 ? 'error' : String(status);
    this.statuses[key] = (this.statuses[key] ?? 0) + 1;
    this.min = Math.min(this.min, ms);
    this.max = Math.max(this.max, ms);
    this.sum += ms;
    let i = 0;
    while (i < BUCKETS.length && ms > (BUCKETS[i] as number)) i++;
    this.buckets[i] = (this.buckets[i] ?? 0) + 1;
    if (this.samples.length < SAMPLES) this.samples.push(ms);
    else {
      this.samples[this.next] = ms;
      this.next = (this.next + 1) % SAMPLES;
    }
  }

  toJSON(method: string, route: string): RouteMetrics {
    const sorted = [...this.samples].sort((a, b) => a - b);
    const q = (p: number) => (sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number));
    const round = (n: number) => Math.round(n * 1000) / 1000;
    const histogram: Record<string, number> = {};
    BUCKETS.forEach((b, i) => (histogram[String(b)] = this.buckets[i] ?? 0));
    histogram['+Inf'] = this.buckets[BUCKETS.length] ?? 0;
    return {
      method,
      route,
      count: this.count,
      statuses: { ...this.statuses },
      injected: this.injected,
      faults: { ...this.faults },
      latencyMs: {
        min: this.count ? round(this.min) : 0,
        mean: this.count ? round(this.sum / this.count) : 0,
        p50: round(q(0.5)),
        p90: round(q(0.9)),
        p99: round(q(0.99)),
        max: round(this.max),
      },
      histogram,
    };
  }
}

interface ActiveFault {
  spec: ProxyFaultSpec;
  toxic: Toxic<Record<string, unknown>>;
  params: Record<string, unknown>;
  random: Random;
  seen: number;
  release: AbortController;
  detach: (() => void)[];
  held: number;
}

class Listener extends HoldableListener {
  readonly server: http.Server;
  readonly agent = new http.Agent({ keepAlive: true, maxSockets: 512, keepAliveMsecs: 1000 });
  upstreams: { host: string; port: number; url: string }[] = [];
  faults: ActiveFault[] = [];
  statics = new Map<string, StaticRoute>();
  stats = new Map<string, RouteStats>();
  requests = 0;
  upgrades = 0;
  inFlight = 0;
  maxInFlight = 0;
  private rr = 0;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    readonly id: string,
    readonly service: string,
    readonly from: string | undefined,
    private readonly proxy: FaultProxy,
  ) {
    super();
    this.server = http.createServer((req, res) => void this.proxy.handle(this, req, res));
    this.server.keepAliveTimeout = 5000;
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server.on('upgrade', (req, socket, head) => void this.proxy.upgrade(this, req, socket as net.Socket, head));
    this.server.on('clientError', (_err, socket) => socket.destroy());
  }

  setUpstreams(urls: string[]): void {
    this.upstreams = urls.map((u) => {
      const url = new URL(u);
      return { host: url.hostname, port: Number(url.port), url: url.origin };
    });
  }

  nextUpstream(): { host: string; port: number; url: string } {
    const u = this.upstreams[this.rr++ % this.upstreams.length];
    if (!u) throw new Error(`listener ${this.id} has no upstream`);
    return u;
  }

  info(): ListenerInfo {
    return {
      id: this.id,
      service: this.service,
      ...(this.from ? { from: this.from } : {}),
      port: this.port,
      url: `http://127.0.0.1:${this.port}`,
      upstreams: this.upstreams.map((u) => u.url),
      down: this.down,
    };
  }

  record(method: string, url: string, status: number, ms: number, marks: FaultMarks): void {
    const key = `${method} ${routeOf(url)}`;
    let s = this.stats.get(key);
    if (!s) {
      s = new RouteStats();
      this.stats.set(key, s);
    }
    s.record(status, ms, marks);
  }

  /** One more request (or upgraded connection) in flight; call the result when it is done. */
  enter(): () => void {
    this.inFlight++;
    if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.inFlight--;
    };
  }

  async close(): Promise<void> {
    for (const f of this.faults) f.release.abort();
    await this.shut();
    this.agent.destroy();
  }

  protected dropAll(): void {
    for (const s of this.sockets) s.destroy();
  }

  protected say(line: string): void {
    this.proxy.log(line);
  }
}

export class FaultProxy {
  private readonly listeners = new Map<string, Listener | TcpListener>();
  private readonly faults = new Map<string, ActiveFault>();
  /**
   * `hold` ({ fault, listener }): a request (or connection) entered a fault's hook and waits on it
   * — a signal tests wait for instead of sleeping.
   */
  readonly events = new EventEmitter();

  constructor(readonly log: (line: string) => void = () => undefined) {}

  // --- control --------------------------------------------------------------------------------

  async listen(spec: ListenerSpec): Promise<ListenerInfo> {
    const existing = this.listeners.get(spec.id);
    if (existing) {
      existing.setUpstreams(spec.upstreams);
      return existing.info();
    }
    const l =
      spec.protocol === 'tcp'
        ? new TcpListener(spec.id, spec.service, spec.from, this.log, this.events)
        : new Listener(spec.id, spec.service, spec.from, this);
    l.setUpstreams(spec.upstreams);
    try {
      await l.listen(spec.port ?? 0);
    } catch (err) {
      throw new FaultlineError('port-in-use', `cannot listen for ${spec.id} on port ${spec.port ?? 0}: ${(err as Error).message}`);
    }
    this.listeners.set(spec.id, l);
    // Faults that target this listener by id (re-created after a restart) apply again.
    for (const f of this.faults.values()) if (f.spec.listeners.includes(l.id)) this.attach(f, l);
    this.log(`INFO  ${spec.id}: ${l.info().url} → ${spec.upstreams.join(', ')}`);
    return l.info();
  }

  setUpstreams(id: string, upstreams: string[]): ListenerInfo {
    const l = this.listener(id);
    l.setUpstreams(upstreams);
    return l.info();
  }

  listenerInfos(): ListenerInfo[] {
    return [...this.listeners.values()].map((l) => l.info());
  }

  addFault(spec: ProxyFaultSpec): void {
    const type = faultType(spec.type);
    if (!type?.toxic) throw new FaultlineError('usage', `"${spec.type}" is not a traffic fault the proxy can run`);
    for (const id of spec.listeners) {
      const l = this.listener(id);
      if (!(l instanceof TcpListener)) continue;
      if (!actsOnTcp(type.toxic))
        throw new FaultlineError('usage', `"${spec.type}" acts on HTTP requests; ${id} is a TCP pass-through listener`);
      if (spec.params['match'] !== undefined)
        throw new FaultlineError('usage', `"match" selects HTTP requests; ${id} is a TCP pass-through listener (drop "match")`);
    }
    if (this.faults.has(spec.id)) this.removeFault(spec.id);
    const fault: ActiveFault = {
      spec,
      toxic: type.toxic,
      params: withDefaults(type, spec.params),
      random: seededRandom(spec.seed),
      seen: 0,
      release: new AbortController(),
      detach: [],
      held: 0,
    };
    this.faults.set(spec.id, fault);
    for (const id of spec.listeners) {
      const l = this.listeners.get(id);
      if (l) this.attach(fault, l);
    }
    this.log(
      `WARN  fault ${spec.id} (${spec.type}) on ${spec.listeners.join(', ')}${spec.probability < 1 ? ` with probability ${spec.probability}` : ''}`,
    );
  }

  private attach(fault: ActiveFault, l: Listener | TcpListener): void {
    if (!l.faults.includes(fault)) l.faults.push(fault);
    if (fault.toxic.attach) fault.detach.push(fault.toxic.attach(l, fault.params));
  }

  removeFault(id: string): { removed: boolean; released: number } {
    const fault = this.faults.get(id);
    if (!fault) return { removed: false, released: 0 };
    this.faults.delete(id);
    for (const l of this.listeners.values()) {
      if (l instanceof TcpListener) l.faults = l.faults.filter((f) => f !== fault);
      else l.faults = l.faults.filter((f) => f !== fault);
    }
    for (const undo of fault.detach) undo();
    const released = fault.held;
    fault.release.abort();
    this.log(`INFO  fault ${id} (${fault.spec.type}) removed${released ? `, ${released} held request(s) released` : ''}`);
    return { removed: true, released };
  }

  faultSpecs(): ProxyFaultSpec[] {
    return [...this.faults.values()].map((f) => f.spec);
  }

  setStaticRoutes(listener: string, routes: StaticRoute[]): void {
    const l = this.listener(listener);
    if (l instanceof TcpListener)
      throw new FaultlineError('usage', `${listener} is a TCP pass-through listener: it cannot serve fixed HTTP answers`);
    l.statics = new Map(routes.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r]));
  }

  metrics(): ListenerMetrics[] {
    return [...this.listeners.values()].map((l) =>
      l instanceof TcpListener
        ? l.metrics()
        : {
            listener: l.id,
            service: l.service,
            ...(l.from ? { from: l.from } : {}),
            requests: l.requests,
            upgrades: l.upgrades,
            inFlight: l.inFlight,
            maxInFlight: l.maxInFlight,
            routes: [...l.stats.entries()].map(([key, s]) => {
              const space = key.indexOf(' ');
              return s.toJSON(key.slice(0, space), key.slice(space + 1));
            }),
          },
    );
  }

  resetMetrics(): void {
    for (const l of this.listeners.values()) {
      if (l instanceof TcpListener) {
        l.resetMetrics();
        continue;
      }
      l.stats.clear();
      l.requests = 0;
      l.upgrades = 0;
      l.maxInFlight = l.inFlight;
    }
  }

  counts(): { listeners: number; faults: number } {
    return { listeners: this.listeners.size, faults: this.faults.size };
  }

  async close(): Promise<void> {
    await Promise.all([...this.listeners.values()].map((l) => l.close()));
  }

  private listener(id: string): Listener | TcpListener {
    const l = this.listeners.get(id);
    if (!l) throw new FaultlineError('usage', `no listener "${id}"; known: ${[...this.listeners.keys()].join(', ') || '(none)'}`);
    return l;
  }

  // --- traffic --------------------------------------------------------------------------------

  async handle(l: Listener, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // (The preload refuses these first in every process it runs in; the proxy does not rely on it.)
    if (!hostAccepted(req.headers.host)) {
      const body = `Faultline: this port answers loopback host names only (DNS rebinding protection); Host was ${JSON.stringify(req.headers.host ?? '')}\n`;
      res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' });
      res.end(body);
      return;
    }
    const started = performance.now();
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const marks: FaultMarks = { injected: false, types: new Set() };
    l.requests++;
    const leave = l.enter();
    // A client that goes away is not held any longer (a hang or a latency waits for nobody).
    const gone = new AbortController();
    res.once('close', () => {
      leave();
      gone.abort();
      l.record(method, url, res.headersSent ? res.statusCode : 0, performance.now() - started, marks);
    });

    const fixed = l.statics.size > 0 ? l.statics.get(`${method.toUpperCase()} ${url.split('?')[0] ?? '/'}`) : undefined;
    if (fixed) {
      const text = JSON.stringify(fixed.body);
      res.writeHead(fixed.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }

    let active: ActiveFault[] = [];
    if (l.faults.length > 0) {
      active = this.applicable(l, req);
      for (const f of active) {
        if (!f.toxic.request) continue;
        f.held++;
        this.events.emit('hold', { fault: f.spec.id, listener: l.id });
        let verdict: 'continue' | 'handled';
        try {
          verdict = await f.toxic.request(this.exchange(l, req, res, f, marks, gone.signal), f.params);
        } finally {
          f.held--;
        }
        if (verdict === 'handled' || res.destroyed || req.socket.destroyed) return;
      }
    }
    this.forward(l, req, res, active, marks, gone.signal);
  }

  private applicable(l: Listener, req: http.IncomingMessage): ActiveFault[] {
    const out: ActiveFault[] = [];
    for (const f of l.faults) {
      const t = f.toxic;
      if (!t.request && !t.response && !t.body) continue;
      if (t.match && !t.match(f.params, req)) continue;
      f.seen++;
      const limit = t.limit?.(f.params);
      if (limit !== undefined && f.seen > limit) continue;
      if (f.spec.probability < 1 && f.random.next() >= f.spec.probability) continue;
      out.push(f);
    }
    return out;
  }

  private exchange(
    l: Listener,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    f: ActiveFault,
    marks: FaultMarks,
    gone: AbortSignal,
  ): Exchange {
    return {
      req,
      res,
      listener: l,
      released: AbortSignal.any([f.release.signal, gone]),
      random: f.random.next,
      injected: () => {
        marks.injected = true;
        marks.types.add(f.spec.type);
      },
      affected: () => marks.types.add(f.spec.type),
      upstream: () => l.nextUpstream().url,
    };
  }

  private forward(
    l: Listener,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    active: ActiveFault[],
    marks: FaultMarks,
    gone: AbortSignal,
  ): void {
    let target: { host: string; port: number; url: string };
    try {
      target = l.nextUpstream();
    } catch {
      res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ detail: `${l.service} has no address yet` }));
      return;
    }
    const preq = http.request({
      host: target.host,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: forwardHeaders(req.headers),
      agent: l.agent,
    });
    preq.on('response', (pres) => {
      void (async () => {
        for (const f of active) {
          if (!f.toxic.response) continue;
          f.held++;
          this.events.emit('hold', { fault: f.spec.id, listener: l.id });
          try {
            if ((await f.toxic.response(this.exchange(l, req, res, f, marks, gone), pres, f.params)) === 'handled') return;
          } finally {
            f.held--;
          }
        }
        if (res.destroyed) {
          pres.resume();
          return;
        }
        res.writeHead(pres.statusCode ?? 502, pres.statusMessage, forwardHeaders(pres.headers));
        let body: NodeJS.ReadableStream = pres;
        for (const f of active) {
          if (!f.toxic.body) continue;
          marks.types.add(f.spec.type);
          body = body.pipe(f.toxic.body(f.params, { released: f.release.signal, random: f.random.next }));
        }
        body.pipe(res);
      })();
    });
    preq.on('error', (err: NodeJS.ErrnoException) => {
      if (!res.headersSent) {
        const reason = err.code === 'ECONNREFUSED' ? 'connection refused' : err.code === 'ECONNRESET' ? 'connection reset' : err.message;
        const text = JSON.stringify({ detail: `${l.service} is not answering (${reason})` });
        res.writeHead(502, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      } else res.destroy();
    });
    res.once('close', () => {
      if (!res.writableFinished) preq.destroy();
    });
    req.pipe(preq);
  }

  async upgrade(l: Listener, req: http.IncomingMessage, socket: net.Socket, head: Buffer): Promise<void> {
    if (!hostAccepted(req.headers.host)) {
      socket.end('HTTP/1.1 421 Misdirected Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    l.upgrades++;
    const leave = l.enter();
    socket.once('close', leave);
    socket.on('error', () => socket.destroy());
    for (const f of l.faults) {
      if (!f.toxic.upgrade) continue;
      if (f.toxic.match && !f.toxic.match(f.params, req)) continue;
      if (f.spec.probability < 1 && f.random.next() >= f.spec.probability) continue;
      if ((await f.toxic.upgrade(socket, f.params, { released: f.release.signal, random: f.random.next })) === 'handled') return;
    }
    if (socket.destroyed) return;
    let target: { host: string; port: number };
    try {
      target = l.nextUpstream();
    } catch {
      socket.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host, () => {
      const lines = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/${req.httpVersion}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(lines.join('\r\n') + '\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
    upstream.on('close', () => socket.destroy());
  }
}
