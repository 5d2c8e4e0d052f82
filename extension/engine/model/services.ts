/**
 * Running services as the engine reports them: instances, crashes, log records, session status.
 * Bottom layer: TypeBox schemas only, imported by everything above (supervisor, control API, faces).
 */
import { Type, type Static } from '@sinclair/typebox';

export const LogLevelSchema = Type.Union([
  Type.Literal('trace'),
  Type.Literal('debug'),
  Type.Literal('info'),
  Type.Literal('warn'),
  Type.Literal('error'),
  Type.Literal('fatal'),
]);
export type LogLevel = Static<typeof LogLevelSchema>;

export const LogStreamSchema = Type.Union([Type.Literal('stdout'), Type.Literal('stderr'), Type.Literal('supervisor')]);
export type LogStream = Static<typeof LogStreamSchema>;

/** One line a service (or Faultline about it) printed, with a level. */
export const LogRecordSchema = Type.Object({
  /** Epoch milliseconds when the line was received. */
  time: Type.Number(),
  service: Type.String(),
  /** Replica number, 1-based. */
  instance: Type.Integer(),
  level: LogLevelSchema,
  stream: LogStreamSchema,
  message: Type.String(),
  fields: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
export type LogRecord = Static<typeof LogRecordSchema>;

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
export type CrashReport = Static<typeof CrashReportSchema>;

/** What a process running candidate code reported about its sandbox at boot (see extension/engine/process/sandbox.ts). */
export const SandboxReportSchema = Type.Object({
  /** The permission model is on, and a read outside the allowed folders was refused. */
  enforced: Type.Boolean(),
  detail: Type.String(),
  childProcess: Type.Boolean(),
  worker: Type.Boolean(),
});
export type SandboxReport = Static<typeof SandboxReportSchema>;

export const InstanceStateSchema = Type.Union([
  Type.Literal('stopped'),
  Type.Literal('starting'),
  Type.Literal('healthy'),
  Type.Literal('crashed'),
  Type.Literal('backoff'),
  Type.Literal('failed'),
  Type.Literal('stopping'),
]);
export type InstanceState = Static<typeof InstanceStateSchema>;

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
  /** Candidate code: the sandbox this process reported at boot. */
  sandbox: Type.Optional(SandboxReportSchema),
});
export type InstanceStatus = Static<typeof InstanceStatusSchema>;

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
export type ServiceStatus = Static<typeof ServiceStatusSchema>;

export const SessionStatusSchema = Type.Object({
  exercise: Type.String(),
  workspace: Type.String(),
  pid: Type.Integer(),
  startedAt: Type.String(),
  services: Type.Array(ServiceStatusSchema),
});
export type SessionStatus = Static<typeof SessionStatusSchema>;

/** What the preload measured in one process of a service (query counts, chaos settings in force). */
export const PreloadStatsSchema = Type.Object({
  queries: Type.Integer(),
  reads: Type.Integer(),
  writes: Type.Integer(),
  /** Statements a `db_latency` fault slowed down. */
  delayed: Type.Integer(),
  since: Type.Number(),
  settings: Type.Record(Type.String(), Type.Unknown(), {
    description: 'Chaos settings active in the process (db latency, clock skew).',
  }),
});
export type PreloadStats = Static<typeof PreloadStatsSchema>;
