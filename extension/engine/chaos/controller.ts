/**
 * Chaos modes at runtime: activate (apply every fault of a mode, or roll back the ones applied
 * if one fails), reset (revert every fault — all of them, even when one revert fails, reporting
 * which — then health-check every service), status. Each step is recorded on the timeline with
 * the seed, and what was applied is persisted so a crash of the supervisor cannot leave the
 * database corrupted: the next session reverts it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FaultlineError, errorMessage } from '../errors';
import type { Install } from '../install';
import type { ChaosMode, Exercise } from '../manifest/schema';
import type { DbAgentIpc, DbOperation } from '../model/ipc';
import { ChildGroup } from '../process/group';
import type { IpcClient } from '../protocol/ipc';
import type { Runtime } from '../runtime';
import { writeFileAtomic } from '../session';
import type { Supervisor } from '../supervisor/supervisor';
import { healthUrl, probe } from '../supervisor/probe';
import type { Timeline } from '../timeline';
import { faultType, withDefaults } from './faults';
import { newSeed, seededRandom, type Random } from './random';
import type { FaultContext, Undo } from './types';
import type { LogRecord } from '../model/services';
import type { ActivationReport, ChaosStatus, ResetReport } from '../model/chaos';

export interface AppliedFault {
  id: string;
  index: number;
  type: string;
  target: string | null;
  layer: string;
  undo: Undo;
}

export interface ChaosState {
  mode: string;
  seed: number;
  since: string;
  applied: AppliedFault[];
}

export interface ChaosControllerOptions {
  install: Install;
  exercise: Exercise;
  workspace: string;
  sessionDir: string;
  runtime: Runtime;
  supervisor: Supervisor;
  timeline: Timeline;
  onLog?: (record: LogRecord) => void;
}

export class ChaosController {
  private active: ChaosState | undefined;
  private agent: ChildGroup<typeof DbAgentIpc> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly stateFile: string;

  constructor(private readonly opts: ChaosControllerOptions) {
    this.stateFile = path.join(opts.sessionDir, 'chaos.json');
  }

  /** One chaos operation at a time, in the order asked. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  modes(): ChaosMode[] {
    return this.opts.exercise.chaos;
  }

  status(): ChaosStatus {
    const a = this.active;
    const mode = a ? this.mode(a.mode) : undefined;
    return {
      active:
        a && mode
          ? {
              mode: a.mode,
              title: mode.title,
              seed: a.seed,
              since: a.since,
              faults: a.applied.map((f) => ({ type: f.type, target: f.target })),
            }
          : null,
      modes: this.modes().map((m) => ({ id: m.id, title: m.title, description: m.description, active: a?.mode === m.id })),
    };
  }

  private mode(id: string): ChaosMode {
    const m = this.modes().find((x) => x.id === id);
    if (!m) {
      const known = this.modes().map((x) => x.id);
      throw new FaultlineError(
        'usage',
        `unknown chaos mode "${id}"`,
        known.length > 0 ? `chaos modes of ${this.opts.exercise.id}: ${known.join(', ')}` : `${this.opts.exercise.id} has no chaos modes`,
      );
    }
    return m;
  }

  activate(id: string, seed?: number): Promise<ActivationReport> {
    return this.serial(async () => {
      const mode = this.mode(id);
      const started = performance.now();
      let replaced: string | null = null;
      if (this.active) {
        replaced = this.active.mode;
        const report = await this.resetNow();
        if (report.failed.length > 0) {
          throw new FaultlineError(
            'control-failed',
            `could not reset ${replaced} before activating ${id}: ${report.failed.map((f) => `${f.type}: ${f.error}`).join('; ')}`,
          );
        }
      }
      const state: ChaosState = { mode: id, seed: seed ?? newSeed(), since: new Date().toISOString(), applied: [] };
      const random = seededRandom(state.seed);
      for (const [index, fault] of mode.faults.entries()) {
        const type = faultType(fault.type);
        const target = fault.target ?? null;
        try {
          if (!type) throw new Error(`unknown fault type "${fault.type}"`);
          const params = withDefaults(type, fault.params);
          const faultId = `${id}#${index}:${fault.type}`;
          const undo = await type.apply(this.context(fault.target, random.fork(index)), params, {
            id: faultId,
            probability: fault.probability ?? 1,
          });
          state.applied.push({ id: faultId, index, type: fault.type, target, layer: type.layer, undo });
          this.active = state;
          this.persist();
        } catch (err) {
          const rollback = await this.revertAll(state);
          this.active = undefined;
          this.persist();
          this.opts.timeline.append('chaos.activate.failed', {
            mode: id,
            seed: state.seed,
            fault: { index, type: fault.type, target },
            error: errorMessage(err),
            rolledBack: rollback.reverted.length,
            rollbackFailed: rollback.failed,
          });
          throw new FaultlineError(
            'control-failed',
            `could not activate ${id}: fault ${index + 1} (${fault.type}${target ? ` on ${target}` : ''}) failed: ${errorMessage(err)}`,
            rollback.failed.length > 0
              ? `rolling back failed too for: ${rollback.failed.map((f) => `${f.type} (${f.error})`).join('; ')}`
              : `the ${rollback.reverted.length} fault(s) already applied were reverted; nothing is left active`,
          );
        }
      }
      this.active = state;
      this.persist();
      await this.publishScenario();
      const ms = Math.round(performance.now() - started);
      const faults = mode.faults.map((f) => ({ type: f.type, target: f.target ?? null, summary: faultType(f.type)?.summary ?? '' }));
      this.opts.timeline.append('chaos.activate', {
        mode: id,
        seed: state.seed,
        ms,
        replaced,
        faults: mode.faults.map((f) => ({
          type: f.type,
          target: f.target ?? null,
          probability: f.probability ?? 1,
          params: f.params ?? {},
        })),
      });
      return { mode: id, title: mode.title, seed: state.seed, ms, faults, replaced };
    });
  }

  reset(): Promise<ResetReport> {
    return this.serial(() => this.resetNow());
  }

  private async resetNow(): Promise<ResetReport> {
    const started = performance.now();
    const state = this.active;
    const { reverted, failed } = state ? await this.revertAll(state) : { reverted: [], failed: [] };
    this.active = undefined;
    this.persist();
    await this.publishScenario().catch(() => undefined);
    const health = await this.healthCheck();
    const report: ResetReport = { mode: state?.mode ?? null, ms: Math.round(performance.now() - started), reverted, failed, health };
    this.opts.timeline.append('chaos.reset', { ...report });
    return report;
  }

  /** Revert in reverse order; every revert runs, failures are collected, never thrown. */
  private async revertAll(state: ChaosState): Promise<Pick<ResetReport, 'reverted' | 'failed'>> {
    const reverted: ResetReport['reverted'] = [];
    const failed: ResetReport['failed'] = [];
    for (const applied of [...state.applied].reverse()) {
      try {
        const type = faultType(applied.type);
        if (!type) throw new Error(`unknown fault type "${applied.type}"`);
        await type.revert(this.context(applied.target ?? undefined, seededRandom(state.seed)), applied.undo);
        reverted.push({ type: applied.type, target: applied.target });
      } catch (err) {
        failed.push({ type: applied.type, target: applied.target, error: errorMessage(err) });
      }
    }
    return { reverted, failed };
  }

  /** Steady state: every service answers its health path through the proxy. */
  private async healthCheck(): Promise<ResetReport['health']> {
    return Promise.all(
      this.opts.supervisor.status().map(async (s) => {
        const r = await probe(healthUrl(s.url, s.health), 2000);
        return {
          service: s.name,
          ok: r.ok,
          detail: r.ok ? `${r.status} in ${Math.round(r.ms)} ms` : r.status ? `HTTP ${r.status}` : (r.error ?? 'no answer'),
        };
      }),
    );
  }

  /**
   * A previous session crashed with chaos active: revert what it left in the databases (traffic
   * and process faults died with it). Called when a session starts.
   */
  async recoverLeftovers(): Promise<{ mode: string; reverted: number; failed: ResetReport['failed'] } | undefined> {
    let previous: ChaosState;
    try {
      previous = JSON.parse(fs.readFileSync(this.stateFile, 'utf8')) as ChaosState;
    } catch {
      return undefined;
    }
    const { reverted, failed } = await this.revertAll({ ...previous, applied: previous.applied.filter((a) => faultType(a.type)?.durable) });
    fs.rmSync(this.stateFile, { force: true });
    this.opts.timeline.append('chaos.recovered', { mode: previous.mode, seed: previous.seed, reverted: reverted.length, failed });
    return { mode: previous.mode, reverted: reverted.length, failed };
  }

  private persist(): void {
    if (this.active) writeFileAtomic(this.stateFile, JSON.stringify(this.active, null, 2));
    else fs.rmSync(this.stateFile, { force: true });
  }

  /** The optional /scenario and /scenarios endpoints (candidate-safe fields only). */
  private async publishScenario(): Promise<void> {
    const ep = this.opts.exercise.scenarioEndpoints;
    if (!ep) return;
    const current = this.active ? this.mode(this.active.mode) : undefined;
    const info = (m: ChaosMode) => ({ id: m.id, name: m.title, description: m.description, difficulty: m.difficulty ?? 'unknown' });
    await this.opts.supervisor.proxy.setStaticRoutes(ep.service, [
      {
        method: 'GET',
        path: ep.current,
        status: 200,
        body: current
          ? {
              scenario_id: current.id,
              name: current.title,
              description: current.description,
              difficulty: current.difficulty ?? 'unknown',
              challenges: current.challenges ?? [],
            }
          : { scenario_id: 'default', name: 'Default', description: 'Normal operation', difficulty: 'none', challenges: [] },
      },
      {
        method: 'GET',
        path: ep.list,
        status: 200,
        body: { scenarios: this.modes().map(info), usage: 'faultline chaos <mode> --state FILE' },
      },
    ]);
  }

  /**
   * Publish the scenario endpoints once the session is up, and start the database agent in the
   * background when some mode will need it, so the first activation does not pay for it.
   */
  async start(): Promise<void> {
    await this.publishScenario();
    const needsDb = this.modes().some((m) => m.faults.some((f) => faultType(f.type)?.needs?.database));
    if (needsDb)
      this.db().catch((err: unknown) =>
        this.opts.onLog?.({
          time: Date.now(),
          service: 'db-agent',
          instance: 1,
          level: 'warn',
          stream: 'supervisor',
          message: errorMessage(err),
        }),
      );
  }

  async close(): Promise<void> {
    const agent = this.agent;
    this.agent = undefined;
    await agent?.stop(2000);
  }

  // --- what faults see ------------------------------------------------------------------------

  private context(target: string | undefined, random: Random): FaultContext {
    const sup = this.opts.supervisor;
    return {
      target,
      random,
      proxy: {
        listenersTo: (service, from) => sup.proxy.listenersTo(service, from),
        addFault: (spec) => sup.proxy.addFault(spec),
        removeFault: (id) => sup.proxy.removeFault(id),
      },
      db: {
        apply: async (service, op: DbOperation) => (await this.db()).call('apply', { file: this.dbFile(service), op }),
        revert: async (service, undo) => {
          await (await this.db()).call('revert', { file: this.dbFile(service), undo });
        },
      },
      process: {
        signal: (service, sig, replica) => Promise.resolve(sup.signal(service, sig, replica).length),
        setPreload: (service, key, value) => sup.setPreload(service, key, value),
        crashLoop: (service, afterMs) => Promise.resolve(sup.crashLoop(service, afterMs)),
        revive: (service) => sup.revive(service),
      },
      url: (service) => {
        const s = sup.status().find((x) => x.name === service);
        if (!s) throw new FaultlineError('usage', `unknown service "${service}"`);
        return s.url;
      },
      log: (message) =>
        this.opts.onLog?.({ time: Date.now(), service: 'chaos', instance: 1, level: 'info', stream: 'supervisor', message }),
    };
  }

  dbFile(service: string): string {
    const s = this.opts.exercise.services.find((x) => x.name === service);
    if (!s) throw new FaultlineError('usage', `unknown service "${service}"`);
    if (!s.database) throw new FaultlineError('usage', `service ${service} has no database`, 'declare "database" for it in the manifest');
    return path.resolve(this.opts.workspace, s.database.path);
  }

  private agentStarting: Promise<IpcClient<typeof DbAgentIpc>> | undefined;

  /** The database agent, started on first use on the services' runtime (one at a time). */
  db(): Promise<IpcClient<typeof DbAgentIpc>> {
    if (this.agent?.running && this.agent.child.connected) return Promise.resolve(this.agent.ipc);
    this.agentStarting ??= this.spawnAgent().finally(() => {
      this.agentStarting = undefined;
    });
    return this.agentStarting;
  }

  private async spawnAgent(): Promise<IpcClient<typeof DbAgentIpc>> {
    const { install, runtime, workspace } = this.opts;
    const agent = new ChildGroup<typeof DbAgentIpc>({
      execPath: runtime.execPath,
      args: ['--require', path.join(install.serversDir, 'preload.js'), path.join(install.serversDir, 'db-agent.js')],
      cwd: workspace,
      env: { ...process.env, ...runtime.env, FAULTLINE_WORKSPACE: workspace, FAULTLINE_MODULES: install.runtimeModules, NODE_OPTIONS: '' },
      label: 'the database agent',
      reaper: this.opts.supervisor.reaper,
      log: { service: 'db-agent', instance: 1, onRecord: (r) => this.opts.onLog?.(r) },
    });
    this.agent = agent;
    try {
      await agent.ipc.call('ping', {}, 15_000);
    } catch (e) {
      this.agent = undefined;
      await agent.stop(2000);
      throw new FaultlineError(
        'control-failed',
        `the database agent did not start: ${errorMessage(e)}`,
        'is better-sqlite3 installed in the workspace (npm install)?',
      );
    }
    return agent.ipc;
  }
}
