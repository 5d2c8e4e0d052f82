/**
 * The WebSocket hub (provided): clients, their subscriptions, snapshots and the fan-out of feed
 * messages. Frames (JSON):
 *
 *   client → {"action":"subscribe"|"unsubscribe","type":"product"|"chain","symbol":"NIFTY"}
 *   server → {"type":"subscribed"|"unsubscribed", channel}
 *            {"type":"underlying_update", symbol, data: tick, snapshot?}
 *            {"type":"chain_summary", symbol, expiry, spot, pcr, max_pain, seq, ts, snapshot?}
 *            {"type":"chain_update", symbol, expiry, data: chain, snapshot?}
 *            {"type":"error", error}                       (the socket stays open)
 *
 * A snapshot (the latest state) goes to the subscribing client only. Every data frame carries the
 * feed's `ts`, so a client can measure its delay.
 */
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { maxPain, pcr, product, type Chain, type UnderlyingTick } from '../../shared/market';
import type { User } from './auth';
import { deliver, OPEN, type ClientState } from './fanout';

export interface HubDeps {
  /** The latest chain of a symbol (nearest expiry) when the hub has none yet (from the store). */
  loadChain(symbol: string): Promise<Chain | null>;
  loadUnderlying(symbol: string): Promise<UnderlyingTick | null>;
}

interface Client extends ClientState {
  id: number;
  ws: WebSocket;
  user: User;
  channels: Set<string>;
}

export function summary(chain: Chain, snapshot = false): Record<string, unknown> {
  return {
    type: 'chain_summary',
    symbol: chain.symbol,
    expiry: chain.expiry,
    spot: chain.spot,
    pcr: pcr(chain.options),
    max_pain: maxPain(chain.options)?.strike ?? null,
    seq: chain.seq,
    ts: chain.ts,
    ...(snapshot ? { snapshot: true } : {}),
  };
}

export class Hub {
  private readonly clients = new Set<Client>();
  private readonly underlyings = new Map<string, UnderlyingTick>();
  /** The latest chain of each symbol for its nearest expiry. */
  private readonly chains = new Map<string, Chain>();
  private nextId = 1;
  readonly counters = { connected: 0, disconnected: 0, sent: 0, dropped: 0, slowDisconnects: 0, errors: 0 };

  constructor(private readonly deps: HubDeps) {}

  get size(): number {
    return this.clients.size;
  }

  add(ws: WebSocket, user: User, _req: IncomingMessage): void {
    const client: Client = { id: this.nextId++, ws, user, channels: new Set(), dropped: 0 };
    this.clients.add(client);
    this.counters.connected += 1;
    ws.on('message', (data, isBinary) => {
      if (isBinary) return this.error(client, 'binary frames are not supported; send JSON text');
      void this.onMessage(
        client,
        Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8'),
      );
    });
    ws.on('close', () => {
      this.clients.delete(client);
      this.counters.disconnected += 1;
    });
    ws.on('error', () => undefined);
    this.send(client, { type: 'welcome', user: user.username });
  }

  /** A message from the feed (MQTT topic and JSON payload). */
  onFeed(topic: string, payload: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(payload);
    } catch {
      return;
    }
    if (topic.startsWith('market/underlying/')) {
      const tick = msg as UnderlyingTick;
      this.underlyings.set(tick.symbol, tick);
      this.broadcast(`product:${tick.symbol}`, { type: 'underlying_update', symbol: tick.symbol, data: tick, ts: tick.ts });
    } else if (topic.startsWith('market/chain/')) {
      const chain = msg as Chain;
      const known = this.chains.get(chain.symbol);
      // Only the nearest expiry is streamed (REST serves the others); the feed sends it first each tick.
      if (known && (chain.seq < known.seq || (chain.seq === known.seq && chain.expiry >= known.expiry))) return;
      this.chains.set(chain.symbol, chain);
      const channel = `chain:${chain.symbol}`;
      this.broadcast(channel, summary(chain));
      this.broadcast(channel, { type: 'chain_update', symbol: chain.symbol, expiry: chain.expiry, data: chain, ts: chain.ts });
    }
  }

  latest(symbol: string): UnderlyingTick | undefined {
    return this.underlyings.get(symbol);
  }

  stats(): Record<string, unknown> {
    return { clients: this.clients.size, ...this.counters };
  }

  closeAll(code: number, reason: string): void {
    for (const c of this.clients) c.ws.close(code, reason);
  }

  private async onMessage(client: Client, text: string): Promise<void> {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch (err) {
      return this.error(client, `invalid JSON: ${(err as Error).message}`);
    }
    if (msg === null || typeof msg !== 'object' || Array.isArray(msg))
      return this.error(client, 'expected an object like {"action":"subscribe","type":"product","symbol":"NIFTY"}');
    const { action, type, symbol } = msg as Record<string, unknown>;
    if (action !== 'subscribe' && action !== 'unsubscribe')
      return this.error(client, `unknown action ${JSON.stringify(action)}: use "subscribe" or "unsubscribe"`);
    if (type !== 'product' && type !== 'chain') return this.error(client, `unknown type ${JSON.stringify(type)}: use "product" or "chain"`);
    const p = typeof symbol === 'string' ? product(symbol) : undefined;
    if (!p) return this.error(client, `unknown symbol ${JSON.stringify(symbol)}`);
    const channel = `${type}:${p.symbol}`;
    if (action === 'unsubscribe') {
      client.channels.delete(channel);
      this.send(client, { type: 'unsubscribed', channel });
      return;
    }
    client.channels.add(channel);
    this.send(client, { type: 'subscribed', channel });
    await this.snapshot(client, type, p.symbol);
  }

  /** The latest state of a channel, to this client only. */
  private async snapshot(client: Client, type: 'product' | 'chain', symbol: string): Promise<void> {
    try {
      if (type === 'product') {
        const tick = this.underlyings.get(symbol) ?? (await this.deps.loadUnderlying(symbol));
        if (tick) this.send(client, { type: 'underlying_update', symbol, data: tick, ts: tick.ts, snapshot: true });
      } else {
        const chain = this.chains.get(symbol) ?? (await this.deps.loadChain(symbol));
        if (chain) {
          this.send(client, summary(chain, true));
          this.send(client, { type: 'chain_update', symbol, expiry: chain.expiry, data: chain, ts: chain.ts, snapshot: true });
        }
      }
    } catch (err) {
      this.error(client, `no snapshot for ${type}:${symbol} yet: ${(err as Error).message}`);
    }
  }

  private broadcast(channel: string, frame: Record<string, unknown>): void {
    const data = JSON.stringify(frame);
    for (const c of this.clients) if (c.channels.has(channel)) this.deliverTo(c, data);
  }

  private send(client: Client, frame: Record<string, unknown>): void {
    this.deliverTo(client, JSON.stringify(frame));
  }

  private deliverTo(client: Client, data: string): void {
    if (client.ws.readyState !== OPEN) return;
    const before = client.dropped;
    const r = deliver(client.ws, data, client);
    if (r === 'sent') this.counters.sent += 1;
    else if (r === 'dropped') this.counters.dropped += client.dropped - before || 1;
    else if (client.ws.readyState !== OPEN) this.counters.slowDisconnects += 1;
  }

  private error(client: Client, error: string): void {
    this.counters.errors += 1;
    this.send(client, { type: 'error', error });
  }
}
