/**
 * TCP pass-through listeners of the fault proxy over real sockets: bytes both ways, metrics
 * (connections, bytes, faults), and the network faults that act on raw connections — latency,
 * down, reset_peer, bandwidth, partition — on new and on already open connections, with their
 * removal. HTTP-only faults are refused on a TCP listener. The upstream is a plain echo server.
 */
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { FaultProxy } from '../../servers/fault-proxy/proxy';

/** A client connection with a line-by-line reader. */
class Client {
  readonly socket: net.Socket;
  private buffer = '';
  private waiters: { text: string; resolve: () => void }[] = [];
  readonly closed: Promise<string>;

  constructor(port: number) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.setEncoding('utf8');
    this.socket.on('data', (d: string) => {
      this.buffer += d;
      this.waiters = this.waiters.filter((w) => {
        if (!this.buffer.includes(w.text)) return true;
        w.resolve();
        return false;
      });
    });
    this.closed = new Promise((resolve) => {
      this.socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      this.socket.on('close', () => resolve('closed'));
    });
  }

  connected(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('error', reject);
    });
  }

  /** Sends `text` and resolves when the echo came back. */
  echo(text: string): Promise<void> {
    const back = new Promise<void>((resolve) => this.waiters.push({ text, resolve }));
    this.socket.write(text);
    return back;
  }

  get received(): string {
    return this.buffer;
  }
}

async function connectError(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

describe('fault proxy: TCP pass-through listeners', () => {
  let echo: net.Server;
  let proxy: FaultProxy;
  let port = 0;
  const clients: Client[] = [];
  const open = (p = port) => {
    const c = new Client(p);
    clients.push(c);
    return c;
  };
  /** Resolves when a connection or chunk enters the hook of fault `id`. */
  const heldNext = (id: string) =>
    new Promise<void>((resolve) => {
      const on = (e: { fault: string }) => {
        if (e.fault !== id) return;
        proxy.events.off('hold', on);
        resolve();
      };
      proxy.events.on('hold', on);
    });
  const faultCount = (type: string) => proxy.metrics().find((m) => m.listener === 'mq')?.tcp?.faults[type] ?? 0;
  let seed = 1;
  const add = (id: string, type: string, params: Record<string, unknown> = {}) =>
    proxy.addFault({ id, type, listeners: ['mq'], probability: 1, seed: seed++, params });

  before(async () => {
    echo = net.createServer((s) => {
      s.on('error', () => s.destroy());
      s.pipe(s);
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
    proxy = new FaultProxy();
    const info = await proxy.listen({
      id: 'mq',
      service: 'broker',
      upstreams: [`http://127.0.0.1:${(echo.address() as net.AddressInfo).port}`],
      protocol: 'tcp',
    });
    port = info.port;
    assert.equal(info.protocol, 'tcp');
    assert.match(info.url, /^tcp:\/\/127\.0\.0\.1:\d+$/);
  });

  after(async () => {
    for (const c of clients) c.socket.destroy();
    await proxy.close();
    await new Promise<void>((r) => echo.close(() => r()));
  });

  it('passes bytes both ways unchanged and counts connections and bytes', async () => {
    proxy.resetMetrics();
    const c = open();
    await c.echo('hello\n');
    await c.echo(Buffer.from([0x10, 0x00, 0xff]).toString('latin1'));
    const m = proxy.metrics().find((x) => x.listener === 'mq');
    assert.equal(m?.routes.length, 0);
    assert.equal(m?.tcp?.connections, 1);
    assert.equal(m?.tcp?.open, 1);
    assert.ok((m?.tcp?.bytesIn ?? 0) >= 9 && (m?.tcp?.bytesOut ?? 0) >= 9, JSON.stringify(m?.tcp));
    c.socket.destroy();
  });

  it('latency holds the chunks of an open connection until the fault is removed', async () => {
    const c = open();
    await c.echo('before\n');
    add('slow', 'latency', { ms: 600_000, direction: 'request' });
    const held = heldNext('slow');
    c.socket.write('held\n');
    await held;
    assert.ok(!c.received.includes('held'), 'the chunk waits in the proxy');
    const back = c.echo('');
    proxy.removeFault('slow');
    await back;
    await c.echo('after\n');
    assert.match(c.received, /before\nheld\nafter\n/);
    assert.ok(faultCount('latency') >= 1);
    c.socket.destroy();
  });

  it('down refuses new connections and drops open ones; removing it listens again on the same port', async () => {
    const c = open();
    await c.echo('x\n');
    add('down', 'down');
    assert.ok(['closed', 'ECONNRESET'].includes(await c.closed));
    assert.equal(await connectError(port), 'ECONNREFUSED');
    proxy.removeFault('down');
    // Listening again is asynchronous: the first connection that succeeds proves it.
    let code = 'ECONNREFUSED';
    while (code === 'ECONNREFUSED') code = await connectError(port);
    assert.equal(code, 'connected');
  });

  it('reset_peer resets new connections at once and open ones at their next byte', async () => {
    const before = open();
    await before.echo('x\n');
    add('rst', 'reset_peer');
    const fresh = open();
    assert.equal(await fresh.closed, 'ECONNRESET');
    before.socket.write('y\n');
    assert.equal(await before.closed, 'ECONNRESET');
    proxy.removeFault('rst');
    const ok = open();
    await ok.echo('fine\n');
    assert.ok(faultCount('reset_peer') >= 2);
    ok.socket.destroy();
  });

  it('bandwidth throttles what the service sends back, on an open connection', async () => {
    const c = open();
    await c.echo('x\n');
    const before = faultCount('bandwidth');
    add('bw', 'bandwidth', { bytesPerSecond: 1_000_000 });
    await c.echo('y'.repeat(5000));
    assert.ok(faultCount('bandwidth') > before, 'the echo went through the throttle');
    proxy.removeFault('bw');
    c.socket.destroy();
  });

  it('partition (blackhole) holds new connections and the bytes of open ones until removed', async () => {
    await proxy.listen({
      id: 'a->mq',
      service: 'broker',
      from: 'a',
      upstreams: [`http://127.0.0.1:${(echo.address() as net.AddressInfo).port}`],
      protocol: 'tcp',
    });
    const edge = proxy.listenerInfos().find((l) => l.id === 'a->mq')?.port ?? 0;
    const c = open(edge);
    await c.echo('x\n');
    proxy.addFault({
      id: 'cut',
      type: 'partition',
      listeners: ['a->mq'],
      probability: 1,
      seed: 7,
      params: { between: ['a', 'broker'], mode: 'blackhole' },
    });
    const heldChunk = heldNext('cut');
    c.socket.write('lost?\n');
    await heldChunk;
    const heldConnection = heldNext('cut');
    const fresh = open(edge);
    await fresh.connected();
    await heldConnection;
    const both = Promise.all([c.echo(''), fresh.echo('later\n')]);
    assert.equal(proxy.removeFault('cut').released, 2);
    await both;
    assert.match(c.received, /lost\?\n/);
    c.socket.destroy();
    fresh.socket.destroy();
  });

  it('refuses faults that only make sense for HTTP', () => {
    assert.throws(() => add('e', 'http_error', { status: 503 }), /acts on HTTP requests; mq is a TCP pass-through listener/);
    assert.throws(() => add('m', 'latency', { ms: 5, match: { path: '/x' } }), /"match" selects HTTP requests/);
    assert.throws(() => proxy.setStaticRoutes('mq', []), /TCP pass-through listener/);
  });
});
