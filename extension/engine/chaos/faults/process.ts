/** Process faults: signals from the supervisor, and settings the service preload applies inside the process. */
import { Type } from '@sinclair/typebox';
import type { FaultType } from '../types';

const killParams = Type.Object(
  {
    signal: Type.Union([Type.Literal('SIGKILL'), Type.Literal('SIGTERM'), Type.Literal('SIGINT')], {
      default: 'SIGKILL',
      description: 'Signal sent to the service process group.',
    }),
    replica: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 8,
        description: 'Only this replica (1-based) of a service with replicas; every process when absent.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const kill: FaultType<typeof killParams> = {
  type: 'kill',
  layer: 'process',
  summary: 'Kill the service process once (the supervisor restarts it)',
  description:
    'Sends `signal` to the service (or to one of its replicas). The supervisor notices the crash and restarts it with backoff, ' +
    'like an orchestrator would.',
  target: 'required',
  params: killParams,
  async apply(ctx, p) {
    const pids = await ctx.process.signal(ctx.target as string, p.signal, p.replica);
    return { service: ctx.target, signalled: pids };
  },
  async revert(ctx, undo) {
    await ctx.process.revive(String(undo['service']));
  },
};

const crashParams = Type.Object(
  { afterMs: Type.Integer({ minimum: 0, maximum: 600_000, default: 500, description: 'Uptime before each kill.' }) },
  { additionalProperties: false },
);

export const crashLoop: FaultType<typeof crashParams> = {
  type: 'crash_loop',
  layer: 'process',
  summary: 'Kill the service every time it comes up',
  description:
    'While active, the service is killed `afterMs` after each start, so it keeps crashing and restarting ' +
    '(and its dependents see it flap). Reverting stops the loop and brings the service back.',
  target: 'required',
  params: crashParams,
  async apply(ctx, p) {
    await ctx.process.crashLoop(ctx.target as string, p.afterMs);
    return { service: ctx.target };
  },
  async revert(ctx, undo) {
    const service = String(undo['service']);
    await ctx.process.crashLoop(service, null);
    await ctx.process.revive(service);
  },
};

export const pause: FaultType = {
  type: 'pause',
  layer: 'process',
  summary: 'Freeze the service process (SIGSTOP) until reverted',
  description:
    'The process stays alive but does nothing: connections are accepted by the kernel and never answered. Reverting sends SIGCONT.',
  target: 'required',
  params: Type.Object({}, { additionalProperties: false }),
  async apply(ctx) {
    await ctx.process.signal(ctx.target as string, 'SIGSTOP');
    return { service: ctx.target };
  },
  async revert(ctx, undo) {
    await ctx.process.signal(String(undo['service']), 'SIGCONT');
  },
};

const latencyParams = Type.Object(
  {
    ms: Type.Integer({ minimum: 0, maximum: 60_000, default: 50, description: 'Added time per database query.' }),
    jitterMs: Type.Integer({ minimum: 0, maximum: 60_000, default: 0 }),
    statements: Type.Union([Type.Literal('all'), Type.Literal('read'), Type.Literal('write')], {
      default: 'all',
      description: 'Which statements are slowed down.',
    }),
  },
  { additionalProperties: false },
);

export const dbLatency: FaultType<typeof latencyParams> = {
  type: 'db_latency',
  layer: 'process',
  summary: 'Slow down every database query inside the service',
  description:
    'Instruments the database driver inside the service (knex queries wait asynchronously, so concurrent ' +
    "requests interleave — race windows widen; direct better-sqlite3 calls block). The candidate's code is untouched.",
  target: 'required',
  params: latencyParams,
  async apply(ctx, p) {
    await ctx.process.setPreload(ctx.target as string, 'dbLatency', { ...p, seed: ctx.random.int(0, 2 ** 31 - 1) });
    return { service: ctx.target };
  },
  async revert(ctx, undo) {
    await ctx.process.setPreload(String(undo['service']), 'dbLatency', null);
  },
};

const skewParams = Type.Object(
  { offsetMs: Type.Integer({ default: -3_600_000, description: "Added to the service's clock (negative = behind)." }) },
  { additionalProperties: false },
);

export const clockSkew: FaultType<typeof skewParams> = {
  type: 'clock_skew',
  layer: 'process',
  summary: "Shift the service's clock (Date) by an offset",
  description: '`Date.now()` and `new Date()` inside the service are off by `offsetMs`; timers are not affected.',
  target: 'required',
  params: skewParams,
  async apply(ctx, p) {
    await ctx.process.setPreload(ctx.target as string, 'clockSkew', p);
    return { service: ctx.target };
  },
  async revert(ctx, undo) {
    await ctx.process.setPreload(String(undo['service']), 'clockSkew', null);
  },
};
