/**
 * A TCP pass-through listener of the fault proxy: bytes go through unchanged, for any protocol the
 * HTTP listener cannot speak (MQTT, a database wire protocol…). Faults act per connection (the
 * toxic's `connection` hook: refuse, reset, hold) and per chunk of bytes of every open connection
 * (`chunk`: delay, throttle, hold, reset), so a fault started while a long-lived connection is open
 * acts on it too. Metrics are per listener: connections, bytes each way, what each fault did.
 */
import type { EventEmitter } from 'node:events';
import * as net from 'node:net';
import type { Random } from '../../extension/engine/chaos/random';
import type { TcpExchange, Toxic } from '../../extension/engine/chaos/types';
import type { ListenerInfo, ListenerMetrics, ProxyFaultSpec } from '../../extension/engine/model/proxy';
import { HoldableListener } from './holdable';

/** What a TCP listener needs of an active fault. */
export interface TcpFault {
  spec: ProxyFaultSpec;
  toxic: Toxic<Record<string, unknown>>;
  params: Record<string, unknown>;
  random: Random;
  release: AbortController;
  held: number;
}

/** Whether a toxic can act on a TCP listener at all. */
export function actsOnTcp(toxic: Toxic<Record<string, unknown>>): boolean {
  return 'connection' in toxic || 'chunk' in toxic || 'attach' in toxic;
}

/** Chunks queued per direction before the proxy stops reading from the sender (backpressure). */
const HIGH_WATER = 64;

interface Connection {
  client: net.Socket;
  upstream: net.Socket | undefined;
  closed: AbortController;
  /** Whether each fault acts on this connection (its probability, decided once per connection). */
  decisions: Map<TcpFault, boolean>;
}

export class TcpListener extends HoldableListener {
  readonly protocol = 'tcp' as const;
  readonly server: net.Server;
  upstreams: { host: string; port: number; url: string }[] = [];
  faults: TcpFault[] = [];
  private connections = 0;
  private bytesIn = 0;
  private bytesOut = 0;
  private faultCounts: Record<string, number> = {};
  private maxOpen = 0;
  private rr = 0;
  private readonly open = new Set<Connection>();

  constructor(
    readonly id: string,
    readonly service: string,
    readonly from: string | undefined,
    private readonly log: (line: string) => void,
    private readonly events: EventEmitter,
  ) {
    super();
    this.server = net.createServer((socket) => void this.accept(socket));
  }

  setUpstreams(urls: string[]): void {
    this.upstreams = urls.map((u) => {
      const url = new URL(u);
      return { host: url.hostname, port: Number(url.port), url: `tcp://${url.host}` };
    });
  }

  private nextUpstream(): { host: string; port: number } | undefined {
    return this.upstreams[this.rr++ % Math.max(1, this.upstreams.length)];
  }

  info(): ListenerInfo {
    return {
      id: this.id,
      service: this.service,
      ...(this.from ? { from: this.from } : {}),
      port: this.port,
      url: `tcp://127.0.0.1:${this.port}`,
      upstreams: this.upstreams.map((u) => u.url),
      down: this.down,
      protocol: 'tcp',
    };
  }

  metrics(): ListenerMetrics {
    return {
      listener: this.id,
      service: this.service,
      ...(this.from ? { from: this.from } : {}),
      requests: 0,
      upgrades: 0,
      inFlight: this.open.size,
      maxInFlight: this.maxOpen,
      routes: [],
      tcp: {
        connections: this.connections,
        open: this.open.size,
        bytesIn: this.bytesIn,
        bytesOut: this.bytesOut,
        faults: { ...this.faultCounts },
      },
    };
  }

  resetMetrics(): void {
    this.connections = 0;
    this.bytesIn = 0;
    this.bytesOut = 0;
    this.faultCounts = {};
    this.maxOpen = this.open.size;
  }

  async close(): Promise<void> {
    for (const f of this.faults) f.release.abort();
    await this.shut();
  }

  protected dropAll(): void {
    for (const c of this.open) this.drop(c);
  }

  protected say(line: string): void {
    this.log(line);
  }

  private drop(c: Connection): void {
    c.client.destroy();
    c.upstream?.destroy();
  }

  private acts(c: Connection, f: TcpFault): boolean {
    let yes = c.decisions.get(f);
    if (yes === undefined) {
      yes = f.spec.probability >= 1 || f.random.next() < f.spec.probability;
      c.decisions.set(f, yes);
    }
    return yes;
  }

  private exchange(c: Connection, f: TcpFault): TcpExchange {
    return {
      listener: this,
      released: AbortSignal.any([f.release.signal, c.closed.signal]),
      random: f.random.next,
      reset: () => {
        if (!c.client.destroyed) c.client.resetAndDestroy();
        c.upstream?.destroy();
      },
      affected: () => {
        this.faultCounts[f.spec.type] = (this.faultCounts[f.spec.type] ?? 0) + 1;
      },
    };
  }

  private async accept(client: net.Socket): Promise<void> {
    const c: Connection = { client, upstream: undefined, closed: new AbortController(), decisions: new Map() };
    this.connections++;
    this.open.add(c);
    this.maxOpen = Math.max(this.maxOpen, this.open.size);
    client.setNoDelay(true);
    client.on('error', () => client.destroy());
    client.once('close', () => {
      this.open.delete(c);
      c.closed.abort();
      c.upstream?.destroy();
    });
    // Bytes the client sends while a connection hook holds it wait in the socket.
    client.pause();
    for (const f of [...this.faults]) {
      if (!f.toxic.connection || !this.acts(c, f)) continue;
      f.held++;
      this.events.emit('hold', { fault: f.spec.id, listener: this.id });
      let verdict: 'continue' | 'handled';
      try {
        verdict = await f.toxic.connection(this.exchange(c, f), f.params);
      } finally {
        f.held--;
      }
      if (verdict === 'handled' || client.destroyed) return;
    }
    const target = this.nextUpstream();
    if (!target) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    c.upstream = upstream;
    upstream.setNoDelay(true);
    upstream.on('error', () => client.destroy());
    upstream.once('close', () => client.destroy());
    this.pump(c, client, upstream, 'in');
    this.pump(c, upstream, client, 'out');
    client.resume();
  }

  /** Moves bytes from `src` to `dst` through the active faults' chunk hooks, in order. */
  private pump(c: Connection, src: net.Socket, dst: net.Socket, direction: 'in' | 'out'): void {
    const queue: { bytes: Buffer; readAt: number }[] = [];
    let busy = false;
    let ended = false;
    const drain = async (): Promise<void> => {
      if (busy) return;
      busy = true;
      try {
        while (queue.length > 0) {
          const chunk = queue.shift() as { bytes: Buffer; readAt: number };
          for (const f of this.faults.length > 0 ? [...this.faults] : []) {
            if (!f.toxic.chunk || !this.acts(c, f)) continue;
            f.held++;
            this.events.emit('hold', { fault: f.spec.id, listener: this.id });
            let verdict: 'continue' | 'handled';
            try {
              verdict = await f.toxic.chunk({ ...this.exchange(c, f), ...chunk, direction }, f.params);
            } finally {
              f.held--;
            }
            if (verdict === 'handled') return;
          }
          if (dst.destroyed) return;
          if (direction === 'in') this.bytesIn += chunk.bytes.length;
          else this.bytesOut += chunk.bytes.length;
          if (!dst.write(chunk.bytes)) {
            await new Promise<void>((resolve) => {
              const done = () => {
                dst.off('drain', done);
                dst.off('close', done);
                resolve();
              };
              dst.on('drain', done);
              dst.on('close', done);
            });
          }
          if (queue.length < HIGH_WATER / 4 && src.isPaused() && !src.destroyed) src.resume();
        }
        if (ended && !dst.destroyed) dst.end();
      } finally {
        busy = false;
      }
    };
    src.on('data', (bytes: Buffer) => {
      queue.push({ bytes, readAt: performance.now() });
      if (queue.length >= HIGH_WATER) src.pause();
      void drain();
    });
    src.on('end', () => {
      ended = true;
      void drain();
    });
  }
}
