/**
 * Running an interview session: workspace → exercise → runtime → supervised services → control
 * API → state file. Both faces (CLI `up`, VS Code) call this; they only differ in how they show
 * logs and events.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadCatalog } from './catalog';
import { FaultlineError } from './errors';
import type { Install } from './install';
import type { Exercise } from './manifest/schema';
import { controlApi } from './protocol/control';
import { newToken, serveApi, type ServedApi } from './protocol/rpc';
import { resolveRuntime, type Runtime } from './runtime';
import { acquireLock, readState, sessionDirFor, writeFileAtomic, writeState, type SessionState } from './session';
import { Supervisor } from './supervisor/supervisor';
import { ChaosController } from './chaos/controller';
import { publishCandidateInfo, withdrawCandidateInfo } from './candidateInfo';
import { candidateDiff, DiffTracker } from './diff';
import { hintStatus, sendHint } from './hints';
import { chaosLock, phaseStatus, startPhase } from './phases';
import { PortalLogFeed } from './portal/logFeed';
import { startPortal, type Portal } from './portal/server';
import { buildPortalView } from './portal/view';
import { runRubric } from './rubric/run';
import { computeScore } from './rubric/score';
import { Timeline } from './timeline';
import { ensureDependencies, readMarker } from './workspace';
import type { SessionStatus, LogRecord } from './model/services';
import type { Scorecard } from './model/interview';
import type { SupervisorEvent } from './supervisor/slot';

/** How often the size of the candidate's change is sampled for the timeline. */
const DIFF_INTERVAL_MS = 20_000;

export interface StartSessionOptions {
  install: Install;
  workspace: string;
  /** Runtime to run services on; resolved from `nodePath` / the current Node when absent. */
  runtime?: Runtime;
  nodePath?: string | undefined;
  /** Extra files to write the state to (e.g. `--state FILE`). */
  stateFiles?: string[];
  /** Delete the services' databases first. */
  fresh?: boolean;
  /** Practice: the candidate alone; hints cost points as the manifest says. */
  practice?: boolean;
  /** Host names the candidate portal accepts besides loopback ones (a relay that rewrites Host). */
  portalAllowHosts?: string[];
  /** Aborting stops whatever has started and makes startSession reject. */
  signal?: AbortSignal;
  onLog?: (record: LogRecord) => void;
  onEvent?: (event: SupervisorEvent) => void;
  onProgress?: (message: string) => void;
}

export interface RunningSession {
  state: SessionState;
  exercise: Exercise;
  supervisor: Supervisor;
  chaos: ChaosController;
  timeline: Timeline;
  /** Resolves once the session was asked to stop through the control API. */
  stopRequested: Promise<void>;
  stop(): Promise<void>;
}

export async function startSession(opts: StartSessionOptions): Promise<RunningSession> {
  const workspace = fs.realpathSync(path.resolve(opts.workspace));
  const marker = readMarker(workspace);
  const catalog = loadCatalog(opts.install);
  const loaded = catalog.get(marker.exercise);
  const exercise = loaded.manifest;
  const mode = opts.practice ? 'practice' : 'interview';
  const runtime =
    opts.runtime ?? resolveRuntime({ explicit: opts.nodePath, minMajor: exercise.runtime?.node ?? 18, install: opts.install });
  const sessionDir = sessionDirFor(workspace);
  const release = acquireLock(sessionDir);
  let supervisor: Supervisor | undefined;
  let chaos: ChaosController | undefined;
  let control: ServedApi | undefined;
  let portal: Portal | undefined;
  const timeline = new Timeline(path.join(sessionDir, 'timeline.jsonl'));
  const lastDiff = timeline
    .read()
    .reverse()
    .find((e) => e.type === 'candidate.diff');
  const diffs = new DiffTracker(
    workspace,
    (size) => timeline.append('candidate.diff', { ...size }),
    lastDiff ? { files: Number(lastDiff['files']), added: Number(lastDiff['added']), removed: Number(lastDiff['removed']) } : undefined,
  );
  // What the services print, for the candidate portal (collected from the first line on).
  const portalLogs = new PortalLogFeed(exercise.services.map((s) => s.name));
  const stateFiles = [path.join(sessionDir, 'state.json'), ...(opts.stateFiles ?? []).map((f) => path.resolve(f))];
  try {
    const restored = ensureDependencies(opts.install, workspace);
    if (restored > 0) opts.onProgress?.(`restored ${restored} packages into node_modules from Faultline (offline)`);
    if (opts.fresh) {
      for (const s of exercise.services) {
        if (!s.database) continue;
        const db = path.resolve(workspace, s.database.path);
        for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(db + suffix, { force: true });
      }
    }
    // Once the session is up, every change of a service (restart, new pid) is written to the state file.
    const hooks: { onChange?: () => void } = {};
    const sup = new Supervisor({
      install: opts.install,
      exercise,
      workspace,
      sessionDir,
      runtime,
      onLog: (record) => {
        opts.onLog?.(record);
        portalLogs.push(record);
      },
      onEvent: (event) => {
        opts.onEvent?.(event);
        if (event.type === 'crashed')
          timeline.append('service.crashed', { service: event.service, instance: event.instance, summary: event.crash.summary });
        if (event.type === 'failed')
          timeline.append('service.failed', { service: event.service, instance: event.instance, reason: event.reason });
        if (event.type === 'unresponsive')
          timeline.append('service.unresponsive', { service: event.service, instance: event.instance, detail: event.detail });
        if (event.type === 'responsive')
          timeline.append('service.responsive', { service: event.service, instance: event.instance, afterMs: event.afterMs });
        if (event.type !== 'starting') hooks.onChange?.();
      },
    });
    supervisor = sup;
    const ctl = new ChaosController({
      install: opts.install,
      exercise,
      workspace,
      sessionDir,
      runtime,
      supervisor: sup,
      timeline,
      ...(opts.onLog ? { onLog: opts.onLog } : {}),
    });
    chaos = ctl;
    const leftovers = await ctl.recoverLeftovers();
    if (leftovers) {
      opts.onProgress?.(
        `the previous session ended with chaos mode ${leftovers.mode} active: reverted ${leftovers.reverted} data change(s)` +
          (leftovers.failed.length > 0 ? `; could not revert: ${leftovers.failed.map((f) => `${f.type} (${f.error})`).join(', ')}` : ''),
      );
    }
    const onAbort = () => void sup.stop();
    opts.signal?.addEventListener('abort', onAbort);
    try {
      await sup.start();
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
    }
    if (opts.signal?.aborted) throw new FaultlineError('service-failed', 'start-up was interrupted');
    await ctl.start();

    let requestStop: () => void = () => undefined;
    const stopRequested = new Promise<void>((resolve) => {
      requestStop = resolve;
    });
    const lockOf = (phases: ReturnType<typeof phaseStatus>, id: string) => {
      const locked = chaosLock(phases, id);
      return locked ? { locked } : {};
    };
    const token = newToken();
    const tokenFile = path.join(sessionDir, 'token');
    let rubricQueue: Promise<unknown> = Promise.resolve();
    const scorecard = async (): Promise<Scorecard> => {
      const events = timeline.read();
      const diff = await candidateDiff(workspace).catch(() => null);
      return { generatedAt: new Date().toISOString(), workspace, score: computeScore(exercise, events), timeline: events, diff };
    };
    writeFileAtomic(tokenFile, token);
    const startedAt = new Date().toISOString();
    const status = (): SessionStatus => ({ exercise: exercise.id, workspace, pid: process.pid, startedAt, services: sup.status() });
    control = await serveApi(
      controlApi,
      {
        status,
        restart: async ({ service }) => {
          await sup.restart(service);
          writeState(stateFiles, stateOf());
          const s = sup.status().find((x) => x.name === service);
          if (!s) throw new FaultlineError('usage', `unknown service "${service}"`);
          return s;
        },
        logs: ({ service, lines }) => {
          if (!exercise.services.some((s) => s.name === service)) throw new FaultlineError('usage', `unknown service "${service}"`);
          return sup.logTail(service, lines ?? 100);
        },
        chaosStatus: () => {
          const s = ctl.status();
          if (mode !== 'practice') return s;
          const phases = phaseStatus(exercise, timeline.read());
          return { ...s, modes: s.modes.map((m) => ({ ...m, ...lockOf(phases, m.id) })) };
        },
        chaosActivate: ({ mode: chaosMode, seed }) => {
          if (mode === 'practice') {
            const locked = chaosLock(phaseStatus(exercise, timeline.read()), chaosMode);
            if (locked)
              throw new FaultlineError(
                'usage',
                locked,
                'start its phase first: Faultline: Start Next Phase in VS Code, `faultline phase next` in a terminal',
              );
          }
          return ctl.activate(chaosMode, seed);
        },
        chaosReset: () => ctl.reset(),
        metrics: () => sup.proxy.metrics(),
        resetMetrics: async () => {
          await sup.proxy.resetMetrics();
          return {};
        },
        queryStats: ({ service, reset }) => sup.preloadStats(service, reset ?? false),
        rubricRun: ({ stage, only }, { emit, signal }) => {
          const next = rubricQueue.then(async () => {
            await diffs.check();
            const r = await runRubric(
              {
                install: opts.install,
                exercise,
                exerciseDir: loaded.dir,
                workspace,
                runtime,
                supervisor: sup,
                chaos: ctl,
                timeline,
                control: { url: controlUrl, token },
                ...(opts.onLog ? { onLog: opts.onLog } : {}),
              },
              { stage, only, signal, onEvent: emit },
            );
            return { run: r.run, aborted: r.aborted, score: computeScore(exercise, timeline.read()) };
          });
          rubricQueue = next.catch(() => undefined);
          return next;
        },
        score: () => computeScore(exercise, timeline.read()),
        scorecard: () => scorecard(),
        scoreManual: ({ item, points, note }) => {
          const found = exercise.rubric?.categories.flatMap((c) => c.items).find((i) => i.id === item);
          const manual = exercise.rubric?.categories.flatMap((c) => c.items).filter((i) => i.kind === 'manual') ?? [];
          if (!found || found.kind !== 'manual') {
            throw new FaultlineError(
              'usage',
              found ? `"${item}" is scored by hidden checks, not by hand` : `no rubric item "${item}"`,
              manual.length
                ? `manual items: ${manual.map((i) => `${i.id} (max ${i.points})`).join(', ')}`
                : 'this rubric has no manual items',
            );
          }
          if (points > found.points)
            throw new FaultlineError('usage', `"${item}" is worth at most ${found.points} point(s), not ${points}`);
          timeline.append('score.manual', { item, points, note: note ?? '' });
          const score = computeScore(exercise, timeline.read());
          const itemScore = score.categories.flatMap((c) => c.items).find((i) => i.id === item);
          if (!itemScore) throw new FaultlineError('control-failed', `item ${item} vanished`);
          return itemScore;
        },
        hints: () => hintStatus(exercise, timeline.read()),
        hintSend: ({ ladder, level }) =>
          sendHint({
            exercise,
            workspace,
            timeline,
            ladder,
            level,
            services: new Map(sup.status().map((s) => [s.name, { url: s.url, port: Number(new URL(s.url).port), urls: [s.url] }])),
          }),
        phase: () => phaseStatus(exercise, timeline.read()),
        phaseStart: ({ phase }) => startPhase(exercise, timeline, phase),
        stop: () => {
          setImmediate(requestStop);
          return { stopping: true };
        },
      },
      { token },
    );
    const controlUrl = control.url;
    // The candidate portal, on the previous session's port when it is free (an open page reconnects).
    const candidatePortal = await startPortal({
      install: opts.install,
      view: () => buildPortalView({ exercise, workspace, events: timeline.read(), services: sup.status(), mode }),
      timeline,
      logs: portalLogs,
      port: previousPortalPort(stateFiles[0] ?? ''),
      ...(opts.portalAllowHosts ? { allowHosts: opts.portalAllowHosts } : {}),
    });
    portal = candidatePortal;
    const stateOf = (): SessionState => ({
      version: 1,
      exercise: exercise.id,
      title: exercise.title,
      workspace,
      sessionDir,
      pid: process.pid,
      startedAt,
      runtime: { execPath: runtime.execPath, version: runtime.version },
      mode,
      control: { url: controlUrl, tokenFile },
      proxy: { url: sup.proxyStatus().url, pid: sup.proxyStatus().pid },
      portal: { url: candidatePortal.url },
      services: Object.fromEntries(
        sup.status().map((s) => [
          s.name,
          {
            url: s.url,
            urls: s.urls,
            port: s.instances[0]?.port ?? 0,
            pid: s.instances[0]?.pid ?? null,
            pids: s.instances.map((i) => i.pid),
            health: s.health,
            ...(s.database ? { database: s.database } : {}),
          },
        ]),
      ),
    });
    const state = stateOf();
    writeState(stateFiles, state);
    publishCandidateInfo(state);
    timeline.append('session.start', {
      exercise: exercise.id,
      mode,
      workspace,
      pid: process.pid,
      runtime: runtime.version,
      services: state.services,
    });
    void diffs.check();
    diffs.start(DIFF_INTERVAL_MS);
    let stopping: Promise<void> | undefined;
    hooks.onChange = () => {
      if (stopping) return;
      writeState(stateFiles, stateOf());
      candidatePortal.notify();
    };
    const served = control;
    return {
      state,
      exercise,
      supervisor: sup,
      chaos: ctl,
      timeline,
      stopRequested,
      stop: () => {
        stopping ??= (async () => {
          await served.close();
          await candidatePortal.close();
          portalLogs.close();
          // Leave the databases as they were: revert data faults of an active chaos mode.
          if (ctl.status().active) await ctl.reset().catch(() => undefined);
          await ctl.close();
          await sup.stop();
          diffs.stop();
          await diffs.check();
          timeline.append('session.stop', {});
          timeline.close();
          writeState(stateFiles, { ...stateOf(), stoppedAt: new Date().toISOString() });
          fs.rmSync(tokenFile, { force: true });
          withdrawCandidateInfo(workspace);
          release();
        })();
        return stopping;
      },
    };
  } catch (err) {
    diffs.stop();
    portalLogs.close();
    await control?.close();
    await portal?.close();
    await chaos?.close();
    await supervisor?.stop();
    timeline.close();
    release();
    throw err;
  }
}

/** Port of the previous session's portal for this workspace (its state file), or 0. */
function previousPortalPort(stateFile: string): number {
  try {
    const url = readState(stateFile).portal?.url;
    return url ? Number(new URL(url).port) || 0 : 0;
  } catch {
    return 0;
  }
}
