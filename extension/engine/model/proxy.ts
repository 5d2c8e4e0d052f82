/**
 * The fault proxy's shapes: listeners in front of services, faults on them, fixed routes, and the
 * traffic metrics it records (the ground truth hidden checks compare a candidate's report with).
 */
import { Type, type Static } from '@sinclair/typebox';

export const ListenerSpec = Type.Object({
  /** "api" for the public listener of service api; "orders->inventory" for the edge from orders to inventory. */
  id: Type.String({ minLength: 1 }),
  /** Service behind the listener. */
  service: Type.String(),
  /** Calling service for an edge listener (absent for the public one). */
  from: Type.Optional(Type.String()),
  upstreams: Type.Array(Type.String(), { minItems: 1 }),
  /**
   * "http" (default): an HTTP-aware listener (faults per request, metrics per route). "tcp": a byte
   * pass-through for any other protocol (MQTT, a database wire protocol…): faults per connection and
   * per chunk, metrics per listener (connections, bytes).
   */
  protocol: Type.Optional(Type.Union([Type.Literal('http'), Type.Literal('tcp')])),
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
  protocol: Type.Optional(Type.Union([Type.Literal('http'), Type.Literal('tcp')])),
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
  /** Requests each fault type acted on (delayed, answered, held, reset…), by fault type. */
  faults: Type.Record(Type.String(), Type.Integer()),
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

/** What crossed a TCP pass-through listener since the last reset. */
export const TcpMetrics = Type.Object({
  /** Connections accepted, and open right now. */
  connections: Type.Integer(),
  open: Type.Integer(),
  /** Bytes from clients to the service, and from the service to clients. */
  bytesIn: Type.Integer(),
  bytesOut: Type.Integer(),
  /** Connections (refused, reset, held) or chunks (delayed, throttled) each fault type acted on. */
  faults: Type.Record(Type.String(), Type.Integer()),
});
export type TcpMetrics = Static<typeof TcpMetrics>;

export const ListenerMetrics = Type.Object({
  listener: Type.String(),
  service: Type.String(),
  from: Type.Optional(Type.String()),
  requests: Type.Integer(),
  upgrades: Type.Integer(),
  /** Requests (and open upgraded connections) in flight right now, and the most at once since the last reset. */
  inFlight: Type.Integer(),
  maxInFlight: Type.Integer(),
  routes: Type.Array(RouteMetrics),
  /** TCP listeners only (their traffic has no routes). */
  tcp: Type.Optional(TcpMetrics),
});
export type ListenerMetrics = Static<typeof ListenerMetrics>;
