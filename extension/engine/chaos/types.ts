/**
 * The fault registry's vocabulary. A fault type is one small module: typed parameters with
 * defaults (a TypeBox schema, so docs and validation come from the same place), `apply` and
 * `revert` on the engine side, and — for faults that act on traffic — a `toxic` that the fault
 * proxy runs per request. Chaos modes in manifests are lists of such faults.
 */
import type * as http from 'node:http';
import type * as net from 'node:net';
import type { Static, TObject } from '@sinclair/typebox';
import type { DbOperation, DbUndo } from '../model/ipc';
import type { Random } from './random';

export type FaultLayer = 'network' | 'data' | 'load' | 'process';

/** What a fault needs from the running session. Implemented by the chaos controller. */
export interface FaultContext {
  /** Service named in the fault's `target` (validated to exist when the fault needs one). */
  target: string | undefined;
  /** Seeded stream for this fault: same seed, same decisions. */
  random: Random;
  proxy: ProxyPort;
  db: DbPort;
  process: ProcessPort;
  /** Public URL (through the fault proxy) of a service. */
  url(service: string): string;
  log(message: string): void;
}

export interface ProxyPort {
  /** Listener ids that carry traffic to `service` (public + edges), optionally only from `from`. */
  listenersTo(service: string, from?: string): string[];
  addFault(spec: {
    id: string;
    type: string;
    listeners: string[];
    probability: number;
    seed: number;
    params: Record<string, unknown>;
  }): Promise<void>;
  removeFault(id: string): Promise<void>;
}

export interface DbPort {
  /** Runs a data operation against the SQLite database of `service`; returns its undo record. */
  apply(service: string, op: DbOperation): Promise<DbUndo>;
  revert(service: string, undo: DbUndo): Promise<void>;
}

export interface ProcessPort {
  /** Signals every process of the service, or only replica `replica` (1-based); resolves with how many. */
  signal(service: string, signal: NodeJS.Signals, replica?: number): Promise<number>;
  /** Settings the preload applies inside the service process (and to every restart of it). */
  setPreload(service: string, key: string, value: Record<string, unknown> | null): Promise<void>;
  /** Kill the service `afterMs` after each start from now on; `null` stops that. */
  crashLoop(service: string, afterMs: number | null): Promise<void>;
  /** Restart a service that gave up after too many crashes; resolves when healthy. */
  revive(service: string): Promise<void>;
}

/** JSON-serialisable record of what an apply did, handed back to revert (also after a crash). */
export type Undo = Record<string, unknown>;

export interface FaultType<P extends TObject = TObject> {
  type: string;
  layer: FaultLayer;
  /** One line for pickers and completion. */
  summary: string;
  /** Markdown for hover docs. */
  description: string;
  /** Whether `target` (a service) is required, optional or meaningless. */
  target: 'required' | 'optional' | 'none';
  params: P;
  /** What the fault needs from its target; the manifest is checked against it. */
  needs?: {
    /** The target must declare a `database` (data faults, seeding). */
    database?: boolean;
    /** The target must be this bundled server (`"role": "bundled", "entry": <server>`), e.g. "broker". */
    server?: string;
  };
  /**
   * Its effect outlives the session that applied it (rows written into a database). A session that
   * ended with it active, even by a crash, has it reverted when the workspace starts again;
   * non-durable faults (traffic, processes) die with their session.
   */
  durable?: boolean;
  /** Services the parameters name besides `target` (e.g. `from`, `between`), with where: checked to exist. */
  services?(params: Static<P>): { path: (string | number)[]; name: string }[];
  apply(ctx: FaultContext, params: Static<P>, fault: { id: string; probability: number }): Promise<Undo>;
  revert(ctx: FaultContext, undo: Undo): Promise<void>;
  /** Proxy-side behaviour for traffic faults. */
  toxic?: Toxic<Static<P>>;
}

// --- proxy side -------------------------------------------------------------------------------

export interface ListenerControl {
  readonly id: string;
  readonly service: string;
  readonly from: string | undefined;
  /** Stop accepting connections (and drop open ones) while at least one caller holds it down. */
  hold(down: boolean): void;
}

export interface Exchange {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  listener: ListenerControl;
  /** Aborted when the fault is removed (anything waiting must let the request go on) or the client went away. */
  released: AbortSignal;
  /** The fault's seeded random stream: every random decision comes from it, so `--seed` replays a run. */
  random: () => number;
  /** Mark the request as answered or broken by this fault instead of the upstream (for metrics). */
  injected(): void;
  /** Mark the request as acted on by this fault without replacing the answer (delayed, slowed), for metrics. */
  affected(): void;
  /** Base URL of an upstream of this listener (round robin across replicas). */
  upstream(): string;
}

export type Verdict = 'continue' | 'handled';

/** What a connection-level hook gets: the fault's release signal and its seeded random stream. */
export interface ToxicContext {
  released: AbortSignal;
  random: () => number;
}

export interface Toxic<P> {
  /** Matches requests (method/path) before the toxic sees them; default: every request. */
  match?(params: P, req: http.IncomingMessage): boolean;
  /** Acts on the first N matching requests only (then everything passes); undefined: on all of them. */
  limit?(params: P): number | undefined;
  /** Once per listener when the fault starts; returns the undo. */
  attach?(listener: ListenerControl, params: P): () => void;
  /** Before the request is forwarded. */
  request?(x: Exchange, params: P): Promise<Verdict> | Verdict;
  /** After the upstream answered, before the answer reaches the client. */
  response?(x: Exchange, upstream: http.IncomingMessage, params: P): Promise<Verdict> | Verdict;
  /** Wraps the response body stream (e.g. bandwidth). */
  body?(params: P, ctx: ToxicContext): NodeJS.ReadWriteStream;
  /** WebSocket/upgrade connections. */
  upgrade?(socket: net.Socket, params: P, ctx: ToxicContext): Promise<Verdict> | Verdict;
  /**
   * TCP pass-through listeners: a client connected, before the proxy connects upstream ("handled":
   * the toxic dealt with the connection, e.g. reset it). A toxic with neither `connection` nor
   * `chunk` nor `attach` cannot act on TCP listeners, and the proxy refuses to start it there.
   */
  connection?(x: TcpExchange, params: P): Promise<Verdict> | Verdict;
  /** TCP pass-through listeners: each chunk of bytes, either way, of every open connection while the fault is active. */
  chunk?(x: TcpChunk, params: P): Promise<Verdict> | Verdict;
}

/** One connection through a TCP pass-through listener, as a toxic sees it. */
export interface TcpExchange {
  listener: ListenerControl;
  /** Aborted when the fault is removed or the connection closed: anything waiting must stop waiting. */
  released: AbortSignal;
  random: () => number;
  /** Reset the connection both ways (TCP RST to the client). */
  reset(): void;
  /** Count the connection (or chunk) as acted on by this fault, for metrics. */
  affected(): void;
}

/** One chunk of bytes crossing a TCP pass-through listener. */
export interface TcpChunk extends TcpExchange {
  bytes: Buffer;
  /** "in": client → service; "out": service → client. */
  direction: 'in' | 'out';
  /** When the proxy read it (performance.now()): a delay counts from here, so chunks stay pipelined. */
  readAt: number;
}
