/**
 * The session control API (a running `faultline up` or the VS Code extension host ↔ CLI commands,
 * the check runner, tools). Declared once; server and client are typed from this file, requests
 * and responses are validated against it. The shapes live in the model (`../model/`).
 */
import { Type } from '@sinclair/typebox';
import { ActivationReportSchema, ChaosStatusSchema, ResetReportSchema } from '../model/chaos';
import {
  HintUseSchema,
  ItemScoreSchema,
  LadderStatusSchema,
  PhaseStatusSchema,
  RubricEventSchema,
  ScorecardSchema,
  ScoreSchema,
} from '../model/interview';
import { ListenerMetrics } from '../model/proxy';
import { LogRecordSchema, PreloadStatsSchema, ServiceStatusSchema, SessionStatusSchema } from '../model/services';
import { route } from './rpc';

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
    response: Type.Array(PreloadStatsSchema),
  }),
  rubricRun: route({
    method: 'POST',
    path: '/v1/rubric/run',
    description:
      'Run the hidden checks of the rubric (a stage and the earlier ones, or some checks); streams progress. Disconnecting cancels.',
    request: Type.Object({
      stage: Type.Optional(Type.String()),
      only: Type.Optional(Type.Array(Type.String())),
      /** Reuse the results of checks whose inputs have not changed since the last complete run. */
      changed: Type.Optional(Type.Boolean()),
    }),
    response: Type.Object({ run: Type.String(), aborted: Type.Boolean(), score: ScoreSchema }),
    stream: RubricEventSchema,
  }),
  score: route({
    method: 'GET',
    path: '/v1/score',
    description: 'The current score (derived from the timeline).',
    request: Type.Null(),
    response: ScoreSchema,
  }),
  scorecard: route({
    method: 'POST',
    path: '/v1/scorecard',
    description: 'Everything a scorecard shows: score, timeline, the candidate diff against the baseline.',
    request: Type.Object({}),
    response: ScorecardSchema,
  }),
  scoreManual: route({
    method: 'POST',
    path: '/v1/score/manual',
    description: 'Score a manual rubric item, with a note.',
    request: Type.Object({ item: Type.String(), points: Type.Number({ minimum: 0 }), note: Type.Optional(Type.String()) }),
    response: ItemScoreSchema,
  }),
  hints: route({
    method: 'GET',
    path: '/v1/hints',
    description: 'Every hint ladder with what was sent when.',
    request: Type.Null(),
    response: Type.Array(LadderStatusSchema),
  }),
  hintSend: route({
    method: 'POST',
    path: '/v1/hints/send',
    description: 'Send the next hint of a ladder (or a given level) to the candidate.',
    request: Type.Object({
      ladder: Type.String(),
      level: Type.Optional(Type.Union([Type.Literal('mild'), Type.Literal('medium'), Type.Literal('strong')])),
    }),
    response: HintUseSchema,
  }),
  phase: route({
    method: 'GET',
    path: '/v1/phase',
    description: 'The interview clock and its phases (which is current, when each started).',
    request: Type.Null(),
    response: PhaseStatusSchema,
  }),
  phaseStart: route({
    method: 'POST',
    path: '/v1/phase/start',
    description: 'Move to a phase (or the next one); recorded on the timeline.',
    request: Type.Object({ phase: Type.Optional(Type.String()) }),
    response: PhaseStatusSchema,
  }),
  stop: route({
    method: 'POST',
    path: '/v1/stop',
    description: 'Stop every service and end the session.',
    request: Type.Object({}),
    response: Type.Object({ stopping: Type.Boolean() }),
  }),
};
