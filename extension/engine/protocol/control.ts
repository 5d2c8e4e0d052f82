/**
 * The session control API (a running `faultline up` or the VS Code extension host ↔ CLI commands
 * and tools). Declared once; server and client are typed from this file.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { HintUse, ItemScore, Score } from '../rubric/score';
import type { LadderStatus } from '../hints';
import type { PhaseStatus } from '../phases';
import type { RubricEvent } from '../rubric/run';
import type { Scorecard } from '../rubric/scorecard';
import { ListenerMetrics } from './proxy';
import { route } from './rpc';

/** Shapes declared in TypeScript next to the code that builds them (responses are not validated). */
const Declared = <T>(description: string) => Type.Unsafe<T>({ description });

export const CrashReportSchema = Type.Object({
  exitCode: Type.Union([Type.Integer(), Type.Null()]),
  signal: Type.Union([Type.String(), Type.Null()]),
  duringStartup: Type.Boolean(),
  uptimeMs: Type.Number(),
  exception: Type.Optional(
    Type.Object({ name: Type.String(), message: Type.String(), code: Type.Optional(Type.String()), stack: Type.String() }),
  ),
  location: Type.Optional(Type.String()),
  stderrTail: Type.Array(Type.String()),
  summary: Type.String(),
});

export const InstanceStateSchema = Type.Union([
  Type.Literal('stopped'),
  Type.Literal('starting'),
  Type.Literal('healthy'),
  Type.Literal('crashed'),
  Type.Literal('backoff'),
  Type.Literal('failed'),
  Type.Literal('stopping'),
]);

export const InstanceStatusSchema = Type.Object({
  instance: Type.Integer(),
  state: InstanceStateSchema,
  pid: Type.Union([Type.Integer(), Type.Null()]),
  port: Type.Integer(),
  url: Type.String(),
  restarts: Type.Integer(),
  lastCrash: Type.Optional(CrashReportSchema),
  /** The process runs but its event loop does not answer (busy loop, breakpoint, paused). */
  unresponsive: Type.Optional(Type.Object({ since: Type.Number(), detail: Type.String() })),
});

export const ServiceStatusSchema = Type.Object({
  name: Type.String(),
  title: Type.String(),
  role: Type.Union([Type.Literal('candidate'), Type.Literal('bundled')]),
  url: Type.String(),
  urls: Type.Array(Type.String()),
  health: Type.String(),
  database: Type.Optional(Type.String()),
  instances: Type.Array(InstanceStatusSchema),
});

export const LogRecordSchema = Type.Object({
  time: Type.Number(),
  service: Type.String(),
  instance: Type.Integer(),
  level: Type.Union([
    Type.Literal('trace'),
    Type.Literal('debug'),
    Type.Literal('info'),
    Type.Literal('warn'),
    Type.Literal('error'),
    Type.Literal('fatal'),
  ]),
  stream: Type.Union([Type.Literal('stdout'), Type.Literal('stderr'), Type.Literal('supervisor')]),
  message: Type.String(),
  fields: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

export const SessionStatusSchema = Type.Object({
  exercise: Type.String(),
  workspace: Type.String(),
  pid: Type.Integer(),
  startedAt: Type.String(),
  services: Type.Array(ServiceStatusSchema),
});

const FaultRef = Type.Object({ type: Type.String(), target: Type.Union([Type.String(), Type.Null()]) });

export const ActivationReportSchema = Type.Object({
  mode: Type.String(),
  title: Type.String(),
  seed: Type.Integer(),
  ms: Type.Number(),
  faults: Type.Array(Type.Object({ type: Type.String(), target: Type.Union([Type.String(), Type.Null()]), summary: Type.String() })),
  replaced: Type.Union([Type.String(), Type.Null()]),
});

export const ResetReportSchema = Type.Object({
  mode: Type.Union([Type.String(), Type.Null()]),
  ms: Type.Number(),
  reverted: Type.Array(FaultRef),
  failed: Type.Array(Type.Object({ type: Type.String(), target: Type.Union([Type.String(), Type.Null()]), error: Type.String() })),
  health: Type.Array(Type.Object({ service: Type.String(), ok: Type.Boolean(), detail: Type.String() })),
});

export const ChaosStatusSchema = Type.Object({
  active: Type.Union([
    Type.Object({ mode: Type.String(), title: Type.String(), seed: Type.Integer(), since: Type.String(), faults: Type.Array(FaultRef) }),
    Type.Null(),
  ]),
  modes: Type.Array(
    Type.Object({
      id: Type.String(),
      title: Type.String(),
      description: Type.String(),
      active: Type.Boolean(),
      locked: Type.Optional(Type.String({ description: 'Why the mode cannot be activated yet (practice: a later phase).' })),
    }),
  ),
});

export const controlApi = {
  status: route({
    method: 'GET',
    path: '/v1/status',
    description: 'Every service with its state, URL, pid, restarts and last crash.',
    request: Type.Null(),
    response: SessionStatusSchema,
  }),
  restart: route({
    method: 'POST',
    path: '/v1/restart',
    description: 'Restart one service (all replicas); answers when it is healthy again.',
    request: Type.Object({ service: Type.String() }),
    response: ServiceStatusSchema,
  }),
  logs: route({
    method: 'POST',
    path: '/v1/logs',
    description: 'The most recent log records of one service.',
    request: Type.Object({ service: Type.String(), lines: Type.Optional(Type.Integer({ minimum: 1, maximum: 400 })) }),
    response: Type.Array(LogRecordSchema),
  }),
  chaosStatus: route({
    method: 'GET',
    path: '/v1/chaos',
    description: 'The active chaos mode (with its seed and faults) and every mode of the exercise.',
    request: Type.Null(),
    response: ChaosStatusSchema,
  }),
  chaosActivate: route({
    method: 'POST',
    path: '/v1/chaos/activate',
    description: 'Activate a chaos mode now (resetting the active one first); optionally with a seed to replay a run.',
    request: Type.Object({ mode: Type.String(), seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967295 })) }),
    response: ActivationReportSchema,
  }),
  chaosReset: route({
    method: 'POST',
    path: '/v1/chaos/reset',
    description: 'Revert every active fault, restore the data exactly, health-check every service.',
    request: Type.Object({}),
    response: ResetReportSchema,
  }),
  metrics: route({
    method: 'GET',
    path: '/v1/metrics',
    description: 'Fault-proxy traffic metrics per listener and route.',
    request: Type.Null(),
    response: Type.Array(ListenerMetrics),
  }),
  resetMetrics: route({
    method: 'POST',
    path: '/v1/metrics/reset',
    description: 'Zero the fault-proxy metrics (to measure one step).',
    request: Type.Object({}),
    response: Type.Object({}),
  }),
  queryStats: route({
    method: 'POST',
    path: '/v1/stats/queries',
    description: 'Database statements executed by each process of a service (counted by the preload); optionally reset.',
    request: Type.Object({ service: Type.String(), reset: Type.Optional(Type.Boolean()) }),
    response: Type.Array(
      Type.Object({
        queries: Type.Integer(),
        reads: Type.Integer(),
        writes: Type.Integer(),
        since: Type.Number(),
        settings: Type.Record(Type.String(), Type.Unknown(), {
          description: 'Chaos settings active in the process (db latency, clock skew).',
        }),
      }),
    ),
  }),
  rubricRun: route({
    method: 'POST',
    path: '/v1/rubric/run',
    description:
      'Run the hidden checks of the rubric (a stage and the earlier ones, or some checks); streams progress. Disconnecting cancels.',
    request: Type.Object({ stage: Type.Optional(Type.String()), only: Type.Optional(Type.Array(Type.String())) }),
    response: Type.Object({ run: Type.String(), aborted: Type.Boolean(), score: Declared<Score>('the score after the run') }),
    stream: Declared<RubricEvent>('progress of the run'),
  }),
  score: route({
    method: 'GET',
    path: '/v1/score',
    description: 'The current score (derived from the timeline).',
    request: Type.Null(),
    response: Declared<Score>('score'),
  }),
  scorecard: route({
    method: 'POST',
    path: '/v1/scorecard',
    description: 'Everything a scorecard shows: score, timeline, the candidate diff against the baseline.',
    request: Type.Object({}),
    response: Declared<Scorecard>('scorecard'),
  }),
  scoreManual: route({
    method: 'POST',
    path: '/v1/score/manual',
    description: 'Score a manual rubric item, with a note.',
    request: Type.Object({ item: Type.String(), points: Type.Number({ minimum: 0 }), note: Type.Optional(Type.String()) }),
    response: Declared<ItemScore>('the item'),
  }),
  hints: route({
    method: 'GET',
    path: '/v1/hints',
    description: 'Every hint ladder with what was sent when.',
    request: Type.Null(),
    response: Declared<LadderStatus[]>('ladders'),
  }),
  hintSend: route({
    method: 'POST',
    path: '/v1/hints/send',
    description: 'Send the next hint of a ladder (or a given level) to the candidate.',
    request: Type.Object({
      ladder: Type.String(),
      level: Type.Optional(Type.Union([Type.Literal('mild'), Type.Literal('medium'), Type.Literal('strong')])),
    }),
    response: Declared<HintUse>('the hint sent'),
  }),
  phase: route({
    method: 'GET',
    path: '/v1/phase',
    description: 'The interview clock and its phases (which is current, when each started).',
    request: Type.Null(),
    response: Declared<PhaseStatus>('phases'),
  }),
  phaseStart: route({
    method: 'POST',
    path: '/v1/phase/start',
    description: 'Move to a phase (or the next one); recorded on the timeline.',
    request: Type.Object({ phase: Type.Optional(Type.String()) }),
    response: Declared<PhaseStatus>('phases'),
  }),
  stop: route({
    method: 'POST',
    path: '/v1/stop',
    description: 'Stop every service and end the session.',
    request: Type.Object({}),
    response: Type.Object({ stopping: Type.Boolean() }),
  }),
};

export type SessionStatus = Static<typeof SessionStatusSchema>;
export type ServiceStatus = Static<typeof ServiceStatusSchema>;
export type InstanceStatus = Static<typeof InstanceStatusSchema>;
export type InstanceState = Static<typeof InstanceStateSchema>;
export type CrashReport = Static<typeof CrashReportSchema>;
