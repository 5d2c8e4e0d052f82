/**
 * The control API's handlers: each route delegates to the session or to the rule that owns it
 * (chaos locks in phases.ts, manual scoring in rubric/score.ts, hints in hints.ts). No business
 * rule lives here.
 */
import { FaultlineError } from '../errors';
import { hintStatus, sendHint } from '../hints';
import { chaosLock, phaseStatus, requireUnlocked, startPhase } from '../phases';
import type { ChaosController } from '../chaos/controller';
import type { Exercise } from '../manifest/schema';
import type { TemplateContext } from '../manifest/templates';
import type { Scorecard } from '../model/interview';
import type { ServiceStatus, SessionStatus } from '../model/services';
import type { controlApi } from '../protocol/control';
import type { Handlers } from '../protocol/rpc';
import type { runRubric, RubricRunOptions } from '../rubric/run';
import { checkManualScore, computeScore, itemScore } from '../rubric/score';
import type { Supervisor } from '../supervisor/supervisor';
import type { Timeline } from '../timeline';

/** What the handlers need from a running session (session.ts implements it). */
export interface SessionPort {
  readonly exercise: Exercise;
  readonly workspace: string;
  readonly mode: 'interview' | 'practice';
  readonly timeline: Timeline;
  readonly supervisor: Supervisor;
  readonly chaos: ChaosController;
  status(): SessionStatus;
  restartService(name: string): Promise<ServiceStatus>;
  runRubric(opts: RubricRunOptions): ReturnType<typeof runRubric>;
  scorecard(): Promise<Scorecard>;
  publicAddresses(): TemplateContext['services'];
}

export function controlHandlers(session: SessionPort, requestStop: () => void): Handlers<typeof controlApi> {
  const { exercise, timeline, supervisor, chaos } = session;
  const practice = session.mode === 'practice';
  const score = () => computeScore(exercise, timeline.read());
  return {
    status: () => session.status(),
    restart: ({ service }) => session.restartService(service),
    logs: ({ service, lines }) => {
      if (!exercise.services.some((s) => s.name === service)) throw new FaultlineError('usage', `unknown service "${service}"`);
      return supervisor.logTail(service, lines ?? 100);
    },
    chaosStatus: () => {
      const status = chaos.status();
      if (!practice) return status;
      const phases = phaseStatus(exercise, timeline.read());
      return {
        ...status,
        modes: status.modes.map((m) => {
          const locked = chaosLock(phases, m.id);
          return locked ? { ...m, locked } : m;
        }),
      };
    },
    chaosActivate: ({ mode, seed }) => {
      if (practice) requireUnlocked(phaseStatus(exercise, timeline.read()), mode);
      return chaos.activate(mode, seed);
    },
    chaosReset: () => chaos.reset(),
    metrics: () => supervisor.proxy.metrics(),
    resetMetrics: async () => {
      await supervisor.proxy.resetMetrics();
      return {};
    },
    queryStats: ({ service, reset }) => supervisor.preloadStats(service, reset ?? false),
    rubricRun: async ({ stage, only, changed }, { emit, signal }) => {
      const run = await session.runRubric({ stage, only, changed, signal, onEvent: emit });
      return { run: run.run, aborted: run.aborted, score: score() };
    },
    score,
    scorecard: () => session.scorecard(),
    scoreManual: ({ item, points, note }) => {
      checkManualScore(exercise, item, points);
      timeline.append('score.manual', { item, points, note: note ?? '' });
      return itemScore(score(), item);
    },
    hints: () => hintStatus(exercise, timeline.read()),
    hintSend: ({ ladder, level }) =>
      sendHint({ exercise, workspace: session.workspace, timeline, ladder, level, services: session.publicAddresses() }),
    phase: () => phaseStatus(exercise, timeline.read()),
    phaseStart: ({ phase }) => startPhase(exercise, timeline, phase),
    stop: () => {
      setImmediate(requestStop);
      return { stopping: true };
    },
  };
}
