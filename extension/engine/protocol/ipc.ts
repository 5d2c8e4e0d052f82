/**
 * Request/response over a child process's IPC channel (the service preload, the database agent
 * and the check runner speak it), typed by a method table from `model/ipc.ts`. Every request has
 * an id and a timeout; if the child dies, pending requests fail at once with a clear reason
 * instead of hanging.
 */
import type { ChildProcess } from 'node:child_process';
import type { Static } from '@sinclair/typebox';
import type { IpcTable } from '../model/ipc';

export type IpcParams<T extends IpcTable, K extends keyof T> = Static<T[K]['params']>;
export type IpcResult<T extends IpcTable, K extends keyof T> = Static<T[K]['result']>;
export type IpcHandlers<T extends IpcTable> = {
  [K in keyof T]: (params: IpcParams<T, K>) => IpcResult<T, K> | Promise<IpcResult<T, K>>;
};

export interface IpcRequest {
  type: 'faultline:rpc';
  id: number;
  method: string;
  params: unknown;
}

export interface IpcResponse {
  type: 'faultline:rpc-result';
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/** The other side did not answer in time (it may be busy, paused or stuck — not necessarily gone). */
export class IpcTimeout extends Error {}

export class IpcClient<T extends IpcTable> {
  private next = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();

  constructor(
    private readonly child: ChildProcess,
    private readonly label: string,
  ) {
    child.on('message', (msg: unknown) => {
      const m = msg as Partial<IpcResponse>;
      if (m?.type !== 'faultline:rpc-result' || typeof m.id !== 'number') return;
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(m.error ?? `${label} failed`));
    });
    child.on('exit', (code, signal) => this.failAll(new Error(`${label} exited (${signal ?? `code ${code}`}) before answering`)));
  }

  call<K extends keyof T & string>(method: K, params: IpcParams<T, K>, timeoutMs = 30_000): Promise<IpcResult<T, K>> {
    if (!this.child.connected) return Promise.reject(new Error(`${this.label} is not running`));
    const id = this.next++;
    return new Promise<IpcResult<T, K>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new IpcTimeout(`${this.label} did not answer ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve, reject, timer });
      this.child.send({ type: 'faultline:rpc', id, method, params } satisfies IpcRequest, (err) => {
        if (!err) return;
        this.pending.delete(id);
        clearTimeout(timer);
        reject(new Error(`cannot reach ${this.label}: ${err.message}`));
      });
    });
  }

  private failAll(err: Error): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(err);
      this.pending.delete(id);
    }
  }
}

type Handler = (params: unknown) => unknown;

/**
 * Child side: answer `faultline:rpc` messages with the handlers of a method table. Several
 * bundles in one process (the preload and a server) share one dispatcher, registered on `process`.
 */
export function serveIpc<T extends IpcTable>(handlers: IpcHandlers<T>): void {
  const key = Symbol.for('faultline.ipc.handlers');
  const holder = process as unknown as Record<symbol, Map<string, Handler> | undefined>;
  const existing = holder[key];
  const entries = Object.entries(handlers) as [string, Handler][];
  if (existing) {
    for (const [name, h] of entries) existing.set(name, h);
    return;
  }
  const registry = new Map<string, Handler>(entries);
  holder[key] = registry;
  process.on('message', (msg: unknown) => {
    const m = msg as Partial<IpcRequest>;
    if (m?.type !== 'faultline:rpc' || typeof m.id !== 'number' || typeof m.method !== 'string') return;
    const id = m.id;
    const reply = (r: Omit<IpcResponse, 'type' | 'id'>) => {
      if (process.connected) process.send?.({ type: 'faultline:rpc-result', id, ...r } satisfies IpcResponse);
    };
    const handler = registry.get(m.method);
    if (!handler) {
      reply({ ok: false, error: `unknown method ${m.method}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(m.params))
      .then(
        (result) => reply({ ok: true, result }),
        (err: unknown) => reply({ ok: false, error: err instanceof Error ? err.message : String(err) }),
      );
  });
}
