/**
 * A running interview session: workspace → exercise → runtime → supervised services → chaos →
 * control API (handlers.ts) → candidate portal → state file and timeline. Both faces (CLI `up`,
 * VS Code) start one with `startSession`; they only differ in how they show logs and events.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { publishCandidateInfo, withdrawCandidateInfo } from '../candidateInfo';
import { findExercise } from '../catalog';
import { ChaosController } from '../chaos/controller';
import { candidateDiff, DiffTracker } from '../diff';
import { FaultlineError } from '../errors';
import { existingDir } from '../files';
import type { Install } from '../install';
import type { Exercise } from '../manifest/schema';
import type { TemplateContext } from '../manifest/templates';
import type { Scorecard } from '../model/interview';
import type { LogRecord, SandboxReport, ServiceStatus, SessionStatus } from '../model/services';
import { PortalLogFeed } from '../portal/logFeed';
import { startPortal, type Portal } from '../portal/server';
import { buildPortalView } from '../portal/view';
import { controlApi } from '../protocol/control';
import { newToken, serveApi, type ServedApi } from '../protocol/rpc';
import { runRubric, type RubricRunOptions } from '../rubric/run';
import { computeScore } from '../rubric/score';
import { resolveRuntime, type Runtime } from '../runtime';
import { acquireLock, readState, sessionDirFor, writeFileAtomic, writeState, type SessionState } from '../session';
import type { SupervisorEvent } from '../supervisor/slot';
import { Supervisor } from '../supervisor/supervisor';
import { Timeline } from '../timeline';
import { ensureDependencies, readMarker } from '../workspace';
import { controlHandlers } from './handlers';

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
  /** Refuse to run candidate code that the runtime does not sandbox (default: warn and record it). */
  requireSandbox?: boolean;
  /** Where session folders go (default: FAULTLINE_HOME or ~/.faultline). */
  home?: string;
  /** Aborting stops whatever has started and makes startSession reject. */
  signal?: AbortSignal;
  onLog?: (record: LogRecord) => void;
  onEvent?: (event: SupervisorEvent) => void;
  onProgress?: (message: string) => void;
}

export type RunningSession = InterviewSession;

/**
 * Timeline events for what the supervisor reports (crashes, give-ups, a stuck event loop, the
 * sandbox in force). The sandboxes of the first start go into `session.start`; a later change of
 * one (it should not happen) gets its own event.
 */
function recordServiceEvent(timeline: Timeline, event: SupervisorEvent, sandboxes: Map<string, SandboxReport>, started: boolean): void {
  switch (event.type) {
    case 'sandbox': {
      const before = sandboxes.get(event.service);
      sandboxes.set(event.service, event.report);
      if (started && JSON.stringify(before) !== JSON.stringify(event.report))
        timeline.append('sandbox', { service: event.service, ...event.report });
      break;
    }
    case 'crashed':
      timeline.append('service.crashed', { service: event.service, instance: event.instance, summary: event.crash.summary });
      break;
    case 'failed':
      timeline.append('service.failed', { service: event.service, instance: event.instance, reason: event.reason });
      break;
    case 'unresponsive':
      timeline.append('service.unresponsive', { service: event.service, instance: event.instance, detail: event.detail });
      break;
    case 'responsive':
      timeline.append('service.responsive', { service: event.service, instance: event.instance, afterMs: event.afterMs });
      break;
    default:
      break;
  }
}

export class InterviewSession {
  readonly startedAt = new Date().toISOString();
  readonly mode: 'interview' | 'practice';
  readonly tokenFile: string;
  readonly stateFiles: string[];
  /** Resolves once the session was asked to stop through the control API. */
  readonly stopRequested: Promise<void>;
  private requestStop: () => void = () => undefined;
  private control: ServedApi | undefined;
  private portal: Portal | undefined;
  private rubricQueue: Promise<unknown> = Promise.resolve();
  private readonly token = newToken();
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly opts: StartSessionOptions,
    readonly exercise: Exercise,
    readonly exerciseDir: string,
    readonly workspace: string,
    readonly sessionDir: string,
    readonly runtime: Runtime,
    readonly timeline: Timeline,
    readonly supervisor: Supervisor,
    readonly chaos: ChaosController,
    private readonly diffs: DiffTracker,
    private readonly portalLogs: PortalLogFeed,
    private readonly release: () => void,
    /** What each candidate service reported about its sandbox. */
    private readonly sandboxes: ReadonlyMap<string, SandboxReport>,
  ) {
    this.mode = opts.practice ? 'practice' : 'interview';
    this.tokenFile = path.join(sessionDir, 'token');
    this.stateFiles = [path.join(sessionDir, 'state.json'), ...(opts.stateFiles ?? []).map((f) => path.resolve(f))];
    this.stopRequested = new Promise<void>((resolve) => (this.requestStop = resolve));
  }

  /** Everything up, or nothing: a failure stops what had started and rethrows. */
  static async start(opts: StartSessionOptions): Promise<InterviewSession> {
    const workspace = existingDir(opts.workspace, 'the workspace');
    const marker = readMarker(workspace);
    const loaded = findExercise(opts.install, marker.exercise);
    const exercise = loaded.manifest;
    const runtime =
      opts.runtime ?? resolveRuntime({ explicit: opts.nodePath, minMajor: exercise.runtime?.node ?? 18, install: opts.install });
    const sessionDir = sessionDirFor(workspace, opts.home);
    const release = acquireLock(sessionDir);
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
    // Once the session is up, every change of a service (restart, new pid) is written to the state file.
    const up: { session?: InterviewSession } = {};
    const sandboxes = new Map<string, SandboxReport>();
    const warned = new Set<string>();
    const supervisor = new Supervisor({
      install: opts.install,
      exercise,
      workspace,
      sessionDir,
      runtime,
      ...(opts.requireSandbox ? { requireSandbox: true } : {}),
      onLog: (record) => {
        opts.onLog?.(record);
        portalLogs.push(record);
      },
      onEvent: (event) => {
        opts.onEvent?.(event);
        recordServiceEvent(timeline, event, sandboxes, up.session !== undefined);
        if (event.type === 'sandbox' && !event.report.enforced && !warned.has(event.service)) {
          warned.add(event.service);
          opts.onProgress?.(
            `WARNING: ${event.service} runs candidate code WITHOUT a sandbox (${event.report.detail}); it can read your files and ` +
              'run programs as you. Use a Node.js that enforces --permission (22.13+): --node / FAULTLINE_NODE or faultline.nodePath; ' +
              '--require-sandbox (faultline.requireSandbox) refuses to start instead.',
          );
        }
        if (event.type !== 'starting') up.session?.changed();
      },
    });
    const chaos = new ChaosController({
      install: opts.install,
      exercise,
      workspace,
      sessionDir,
      runtime,
      supervisor,
      timeline,
      ...(opts.onLog ? { onLog: opts.onLog } : {}),
    });
    const created = new InterviewSession(
      opts,
      exercise,
      loaded.dir,
      workspace,
      sessionDir,
      runtime,
      timeline,
      supervisor,
      chaos,
      diffs,
      portalLogs,
      release,
      sandboxes,
    );
    try {
      await created.bringUp();
    } catch (err) {
      await created.tearDown();
      throw err;
    }
    up.session = created;
    return created;
  }

  private async bringUp(): Promise<void> {
    const { opts, exercise, workspace, supervisor, chaos, timeline } = this;
    const restored = ensureDependencies(opts.install, workspace);
    if (restored > 0) opts.onProgress?.(`restored ${restored} packages into node_modules from Faultline (offline)`);
    if (opts.fresh) {
      for (const s of exercise.services) {
        if (!s.database) continue;
        const db = path.resolve(workspace, s.database.path);
        for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(db + suffix, { force: true });
      }
    }
    for (const s of exercise.services) {
      const w = s.role === 'candidate' ? s.sandbox : undefined;
      const widened = [
        ...(w?.childProcess ? ['may start child processes'] : []),
        ...(w?.worker ? ['may start worker threads'] : []),
        ...(w?.read?.length ? [`may also read ${w.read.join(', ')}`] : []),
        ...(w?.write?.length ? [`may also write ${w.write.join(', ')}`] : []),
      ];
      if (widened.length > 0) opts.onProgress?.(`the manifest widens ${s.name}'s sandbox: it ${widened.join(', ')}`);
    }
    const leftovers = await chaos.recoverLeftovers();
    if (leftovers) {
      opts.onProgress?.(
        `the previous session ended with chaos mode ${leftovers.mode} active: reverted ${leftovers.reverted} data change(s)` +
          (leftovers.failed.length > 0 ? `; could not revert: ${leftovers.failed.map((f) => `${f.type} (${f.error})`).join(', ')}` : ''),
      );
    }
    const onAbort = () => void supervisor.stop();
    opts.signal?.addEventListener('abort', onAbort);
    try {
      await supervisor.start();
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
    }
    if (opts.signal?.aborted) throw new FaultlineError('service-failed', 'start-up was interrupted');
    await chaos.start();

    writeFileAtomic(this.tokenFile, this.token);
    this.control = await serveApi(
      controlApi,
      controlHandlers(this, () => this.requestStop()),
      { token: this.token },
    );
    // The candidate portal, on the previous session's port when it is free (an open page reconnects).
    this.portal = await startPortal({
      install: opts.install,
      view: () => buildPortalView({ exercise, workspace, events: timeline.read(), services: supervisor.status(), mode: this.mode }),
      timeline,
      logs: this.portalLogs,
      port: previousPortalPort(this.stateFiles[0] ?? ''),
      ...(opts.portalAllowHosts ? { allowHosts: opts.portalAllowHosts } : {}),
    });
    const state = this.state;
    writeState(this.stateFiles, state);
    publishCandidateInfo(state);
    timeline.append('session.start', {
      exercise: exercise.id,
      mode: this.mode,
      aiAssistance: readMarker(this.workspace).aiAssistance ?? 'allowed',
      workspace,
      pid: process.pid,
      runtime: this.runtime.version,
      services: state.services,
      sandbox: Object.fromEntries(this.sandboxes),
    });
    void this.diffs.check();
    this.diffs.start(DIFF_INTERVAL_MS);
  }

  /** A service changed (restart, new pid, crash): the state file and the portal follow. */
  changed(): void {
    if (this.stopping || !this.control || !this.portal) return;
    writeState(this.stateFiles, this.state);
    this.portal.notify();
  }

  /** What the state file says: where everything is, for the CLI and the editor. */
  get state(): SessionState {
    const { supervisor, exercise, runtime } = this;
    if (!this.control || !this.portal) throw new FaultlineError('not-running', 'the session is not up yet');
    return {
      version: 1,
      exercise: exercise.id,
      title: exercise.title,
      workspace: this.workspace,
      sessionDir: this.sessionDir,
      pid: process.pid,
      startedAt: this.startedAt,
      runtime: { execPath: runtime.execPath, version: runtime.version },
      mode: this.mode,
      control: { url: this.control.url, tokenFile: this.tokenFile },
      proxy: { url: supervisor.proxyStatus().url, pid: supervisor.proxyStatus().pid },
      portal: { url: this.portal.url },
      services: Object.fromEntries(
        supervisor.status().map((s) => [
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
    };
  }

  status(): SessionStatus {
    return {
      exercise: this.exercise.id,
      workspace: this.workspace,
      pid: process.pid,
      startedAt: this.startedAt,
      services: this.supervisor.status(),
    };
  }

  async restartService(name: string): Promise<ServiceStatus> {
    await this.supervisor.restart(name);
    writeState(this.stateFiles, this.state);
    const s = this.supervisor.status().find((x) => x.name === name);
    if (!s) throw new FaultlineError('usage', `unknown service "${name}"`);
    return s;
  }

  /** The services' public addresses as the candidate sees them (for `${services.<name>.url}` in hints). */
  publicAddresses(): TemplateContext['services'] {
    return new Map(this.supervisor.status().map((s) => [s.name, { url: s.url, port: Number(new URL(s.url).port), urls: [s.url] }]));
  }

  /** One rubric run at a time, in the order asked. */
  runRubric(opts: RubricRunOptions): ReturnType<typeof runRubric> {
    const control = this.control;
    if (!control) return Promise.reject(new FaultlineError('not-running', 'the session is not up yet'));
    const next = this.rubricQueue.then(async () => {
      await this.diffs.check();
      return runRubric(
        {
          install: this.opts.install,
          exercise: this.exercise,
          exerciseDir: this.exerciseDir,
          workspace: this.workspace,
          runtime: this.runtime,
          supervisor: this.supervisor,
          chaos: this.chaos,
          timeline: this.timeline,
          control: { url: control.url, token: this.token },
          ...(this.opts.onLog ? { onLog: this.opts.onLog } : {}),
        },
        opts,
      );
    });
    this.rubricQueue = next.catch(() => undefined);
    return next;
  }

  async scorecard(): Promise<Scorecard> {
    const events = this.timeline.read();
    const diff = await candidateDiff(this.workspace).catch(() => null);
    return {
      generatedAt: new Date().toISOString(),
      workspace: this.workspace,
      score: computeScore(this.exercise, events),
      timeline: events,
      diff,
    };
  }

  /** Stop everything, leave the data as it was (chaos reverted), record the end. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.control?.close();
      await this.portal?.close();
      this.portalLogs.close();
      // Leave the databases as they were: revert data faults of an active chaos mode.
      if (this.chaos.status().active) await this.chaos.reset().catch(() => undefined);
      await this.chaos.close();
      await this.supervisor.stop();
      this.diffs.stop();
      await this.diffs.check();
      this.timeline.append('session.stop', {});
      this.timeline.close();
      if (this.control && this.portal) writeState(this.stateFiles, { ...this.state, stoppedAt: new Date().toISOString() });
      fs.rmSync(this.tokenFile, { force: true });
      withdrawCandidateInfo(this.workspace);
      this.release();
    })();
    return this.stopping;
  }

  /** A start that failed half-way: stop what had started, release the lock. */
  private async tearDown(): Promise<void> {
    this.diffs.stop();
    this.portalLogs.close();
    await this.control?.close();
    await this.portal?.close();
    await this.chaos.close();
    await this.supervisor.stop();
    this.timeline.close();
    this.release();
  }
}

export function startSession(opts: StartSessionOptions): Promise<InterviewSession> {
  return InterviewSession.start(opts);
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
