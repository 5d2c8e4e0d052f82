/**
 * Control API of the fault proxy (`servers/fault-proxy`), declared once (shapes in
 * `model/proxy.ts`). The engine is the only client; the proxy serves it on 127.0.0.1 with a
 * per-session token.
 */
import { Type } from '@sinclair/typebox';
import { ListenerInfo, ListenerMetrics, ListenerSpec, ProxyFaultSpec, StaticRoute } from '../model/proxy';
import { route } from './rpc';

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
