/**
 * The session control API (a running `faultline up` or the VS Code extension host ↔ CLI commands
 * and tools). Declared once; server and client are typed from this file.
 */
import { Type, type Static } from '@sinclair/typebox';
import { route } from './rpc';

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
