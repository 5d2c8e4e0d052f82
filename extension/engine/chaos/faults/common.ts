/** Building blocks shared by fault modules. */
import type * as http from 'node:http';
import { Type, type Static, type TObject } from '@sinclair/typebox';
import type { FaultContext, FaultType, Toxic, Undo } from '../types';

/** Which requests a traffic fault applies to. */
export const Match = Type.Optional(
  Type.Object(
    {
      method: Type.Optional(Type.String({ description: 'HTTP method, e.g. "POST" (any when absent).' })),
      path: Type.Optional(
        Type.String({ pattern: '^/', description: 'Path prefix, or a pattern with * (e.g. "/api/products/*/reserve").' }),
      ),
    },
    { additionalProperties: false, description: 'Only requests matching this (every request when absent).' },
  ),
);

export const From = Type.Optional(
  Type.String({ description: 'Only traffic coming from this service (its edge listener); all callers when absent.' }),
);

export function matches(match: { method?: string | undefined; path?: string | undefined } | undefined, req: http.IncomingMessage): boolean {
  if (!match) return true;
  if (match.method && match.method.toUpperCase() !== (req.method ?? 'GET').toUpperCase()) return false;
  if (match.path) {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (match.path.includes('*')) {
      const re = new RegExp(
        '^' +
          match.path
            .split('*')
            .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
            .join('[^/]*') +
          '$',
      );
      if (!re.test(path)) return false;
    } else if (!(path === match.path || path.startsWith(match.path.endsWith('/') ? match.path : match.path + '/'))) {
      return false;
    }
  }
  return true;
}

/** A promise that resolves after `ms`, or at once when `signal` aborts (a removed fault never holds a request). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export const Replica = Type.Optional(
  Type.Integer({
    minimum: 1,
    maximum: 8,
    description:
      'Only one replica: the per-replica edge listener #N (the N-th address of ${services.<name>.urls}) of a ' +
      'service with replicas; every listener to the service when absent.',
  }),
);

/** Which caller's traffic a fault acts on. Spread into the params of faults that act on whole listeners. */
export const FROM = { from: From, replica: Replica };

/** Which requests, from which caller, to which replica. Spread into the params of faults that act per request. */
export const TRAFFIC = { match: Match, from: From, replica: Replica };

/** The listeners a traffic fault acts on: all of them, or the per-replica edges (`<edge>#N`) of one replica. */
export function replicaListeners(listeners: string[], replica: number | undefined): string[] {
  return replica === undefined ? listeners : listeners.filter((id) => id.endsWith(`#${replica}`));
}

/** The `from` service of a traffic fault, for the registry's reference check. */
export function fromService(p: { from?: string | undefined }): { path: (string | number)[]; name: string }[] {
  return p.from === undefined ? [] : [{ path: ['from'], name: p.from }];
}

/**
 * A fault that acts on traffic: the engine side only registers it with the fault proxy for the
 * listeners leading to the target service; the behaviour is the toxic, run by the proxy.
 */
export function trafficFault<P extends TObject>(def: {
  type: string;
  layer?: 'network' | 'load';
  summary: string;
  description: string;
  params: P;
  toxic: Toxic<Static<P>>;
}): FaultType<P> {
  return {
    type: def.type,
    layer: def.layer ?? 'network',
    summary: def.summary,
    description: def.description,
    target: 'required',
    params: def.params,
    toxic: def.toxic,
    services: (p) => fromService(p),
    async apply(ctx: FaultContext, p, fault): Promise<Undo> {
      const target = ctx.target as string;
      const { from, replica } = p as { from?: string; replica?: number };
      const all = ctx.proxy.listenersTo(target, from);
      if (all.length === 0)
        throw new Error(from ? `no traffic from ${from} to ${target}: ${from} does not depend on ${target}` : `no listener for ${target}`);
      const listeners = replicaListeners(all, replica);
      if (listeners.length === 0)
        throw new Error(
          `no listener to replica ${replica} of ${target}${from ? ` from ${from}` : ''}: ` +
            `per-replica listeners exist for the dependencies of a service (\${services.${target}.urls}) when ${target} has that many replicas`,
        );
      await ctx.proxy.addFault({
        id: fault.id,
        type: def.type,
        listeners,
        probability: fault.probability,
        seed: ctx.random.int(0, 2 ** 31 - 1),
        params: p,
      });
      return { proxyFault: fault.id, listeners };
    },
    async revert(ctx, undo) {
      await ctx.proxy.removeFault(String(undo['proxyFault']));
    },
  };
}

/** JSON error body for answers the proxy makes up itself. */
export function jsonReply(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
