/**
 * Control API of the fault proxy (`servers/fault-proxy`), declared once. The engine is the only
 * client; the proxy serves it on 127.0.0.1 with a per-session token.
 */
import { Type, type Static } from '@sinclair/typebox';
import { route } from './rpc';

export const ListenerSpec = Type.Object({
  /** "api" for the public listener of service api; "orders->inventory" for the edge from orders to inventory. */
  id: Type.String({ minLength: 1 }),
  /** Service behind the listener. */
  service: Type.String(),
  /** Calling service for an edge listener (absent for the public one). */
  from: Type.Optional(Type.String()),
  upstreams: Type.Array(Type.String(), { minItems: 1 }),
  /** Port to listen on; 0 = any (a re-created listener asks for its previous port). */
  port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
});
export type ListenerSpec = Static<typeof ListenerSpec>;

export const ListenerInfo = Type.Object({
  id: Type.String(),
  service: Type.String(),
  from: Type.Optional(Type.String()),
  port: Type.Integer(),
  url: Type.String(),
  upstreams: Type.Array(Type.String()),
  down: Type.Boolean(),
});
export type ListenerInfo = Static<typeof ListenerInfo>;

export const ProxyFaultSpec = Type.Object({
  id: Type.String({ minLength: 1 }),
  type: Type.String(),
  /** Listener ids the fault applies to. */
  listeners: Type.Array(Type.String(), { minItems: 1 }),
  probability: Type.Number({ minimum: 0, maximum: 1 }),
  seed: Type.Integer({ minimum: 0 }),
  params: Type.Record(Type.String(), Type.Unknown()),
});
export type ProxyFaultSpec = Static<typeof ProxyFaultSpec>;

export const StaticRoute = Type.Object({
  method: Type.String(),
  path: Type.String({ pattern: '^/' }),
  status: Type.Integer({ minimum: 100, maximum: 599 }),
  body: Type.Unknown(),
});
export type StaticRoute = Static<typeof StaticRoute>;

export const RouteMetrics = Type.Object({
  method: Type.String(),
  /** Path with ids replaced by ":id" (e.g. /alerts/:id). */
  route: Type.String(),
  count: Type.Integer(),
  statuses: Type.Record(Type.String(), Type.Integer()),
  /** Requests answered or broken by a fault instead of the upstream. */
  injected: Type.Integer(),
  latencyMs: Type.Object({
    min: Type.Number(),
    mean: Type.Number(),
    p50: Type.Number(),
    p90: Type.Number(),
    p99: Type.Number(),
    max: Type.Number(),
  }),
  /** Counts per upper bound in ms ("+Inf" last). */
  histogram: Type.Record(Type.String(), Type.Integer()),
});
export type RouteMetrics = Static<typeof RouteMetrics>;

export const ListenerMetrics = Type.Object({
  listener: Type.String(),
  service: Type.String(),
  from: Type.Optional(Type.String()),
  requests: Type.Integer(),
  upgrades: Type.Integer(),
  routes: Type.Array(RouteMetrics),
});
export type ListenerMetrics = Static<typeof ListenerMetrics>;

export const proxyApi = {
  health: route({
    method: 'GET',
    path: '/v1/health',
    description: 'Liveness of the proxy (no token needed).',
    public: true,
    request: Type.Null(),
    response: Type.Object({ ok: Type.Boolean(), pid: Type.Integer(), listeners: Type.Integer(), faults: Type.Integer() }),
  }),
  listen: route({
    method: 'POST',
    path: '/v1/listeners',
    description: 'Create (or replace) a listener in front of a service.',
    request: ListenerSpec,
    response: ListenerInfo,
  }),
  setUpstreams: route({
    method: 'POST',
    path: '/v1/listeners/upstreams',
    description: 'Point a listener at new upstream addresses (after a service restart).',
    request: Type.Object({ id: Type.String(), upstreams: Type.Array(Type.String(), { minItems: 1 }) }),
    response: ListenerInfo,
  }),
  listeners: route({
    method: 'GET',
    path: '/v1/listeners',
    description: 'All listeners.',
    request: Type.Null(),
    response: Type.Array(ListenerInfo),
  }),
  addFault: route({
    method: 'POST',
    path: '/v1/faults',
    description: 'Start a fault on some listeners; effective for the next request.',
    request: ProxyFaultSpec,
    response: Type.Object({ id: Type.String() }),
  }),
  removeFault: route({
    method: 'POST',
    path: '/v1/faults/remove',
    description: 'Stop a fault at once; requests it holds are released, never left hanging.',
    request: Type.Object({ id: Type.String() }),
    response: Type.Object({ removed: Type.Boolean(), released: Type.Integer() }),
  }),
  faults: route({
    method: 'GET',
    path: '/v1/faults',
    description: 'Active faults.',
    request: Type.Null(),
    response: Type.Array(ProxyFaultSpec),
  }),
  setStaticRoutes: route({
    method: 'POST',
    path: '/v1/static',
    description: 'Serve fixed JSON answers on some paths of a listener (e.g. /scenario).',
    request: Type.Object({ listener: Type.String(), routes: Type.Array(StaticRoute) }),
    response: Type.Object({}),
  }),
  metrics: route({
    method: 'GET',
    path: '/v1/metrics',
    description: 'Per listener and route: request counts, statuses, latency histogram.',
    request: Type.Null(),
    response: Type.Array(ListenerMetrics),
  }),
  resetMetrics: route({
    method: 'POST',
    path: '/v1/metrics/reset',
    description: 'Zero all metrics.',
    request: Type.Object({}),
    response: Type.Object({}),
  }),
};
