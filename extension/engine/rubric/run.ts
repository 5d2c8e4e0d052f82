/**
 * A rubric run: the hidden checks bound to the rubric's automatic items, run in separate processes
 * against the running services (see `runPlan`): the checks without chaos one at a time, alone, so
 * the first results arrive at once; then the chaos checks one at a time while the mutation checks
 * (the candidate's tests in warm test workers) use the CPU beside them in a pool sized to the
 * machine; last, alone again, the checks that measure time. Before: chaos reset, every service
 * healthy.
 * Each check: optional chaos mode, a hard timeout (its runner process is killed and replaced if
 * a check hangs; mutation checks have a runner of their own, so that never cuts them short), the
 * services' log lines of that moment when it fails. After — always, also when aborted: chaos
 * reset, the services' databases put back exactly as they were before the run (the candidate's
 * data is theirs), and the mode that was active before restored with its seed. Every result is on
 * the timeline before the next check starts.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ChaosController } from '../chaos/controller';
import { FaultlineError, errorMessage } from '../errors';
import type { Install } from '../install';
import type { Exercise, Rubric } from '../manifest/schema';
import type { CheckInfo, CheckRunnerIpc } from '../model/ipc';
import { ChildGroup } from '../process/group';
import { IpcTimeout } from '../protocol/ipc';
import type { Runtime } from '../runtime';
import { healthUrl, probe } from '../supervisor/probe';
import type { Supervisor } from '../supervisor/supervisor';
import type { Timeline } from '../timeline';
import type { LogRecord } from '../model/services';
import type { CheckResult, RubricEvent } from '../model/interview';
import { exerciseHash, fileHashes, fingerprint, lastCompleteRun, type ReuseInputs } from './reuse';

export interface RubricRunOptions {
  stage?: string | undefined;
  only?: string[] | undefined;
  /** Reuse the results of checks whose inputs have not changed since the last complete run (see ./reuse). */
  changed?: boolean | undefined;
  signal?: AbortSignal;
  onEvent?: (e: RubricEvent) => void;
}

export interface RubricContext {
  install: Install;
  exercise: Exercise;
  exerciseDir: string;
  workspace: string;
  runtime: Runtime;
  supervisor: Supervisor;
  chaos: ChaosController;
  timeline: Timeline;
  control: { url: string; token: string };
  onLog?: (r: LogRecord) => void;
}

/** Check ids of the automatic items to run for a stage (earlier stages are re-run as regressions). */
export function checksFor(rubric: Rubric, stage?: string): Map<string, { items: string[]; categories: string[] }> {
  const order = (rubric.stages ?? []).map((s) => s.id);
  if (stage !== undefined && !order.includes(stage)) {
    throw new FaultlineError(
      'usage',
      `unknown stage "${stage}"`,
      order.length ? `stages: ${order.join(', ')}` : 'this rubric has no stages',
    );
  }
  const limit = stage === undefined ? Infinity : order.indexOf(stage);
  const byCheck = new Map<string, { items: string[]; categories: string[] }>();
  for (const c of rubric.categories) {
    for (const item of c.items) {
      if (item.kind !== 'auto') continue;
      if (item.stage !== undefined && order.indexOf(item.stage) > limit) continue;
      const ids = item.checks ? item.checks.map((x) => x.check) : item.check ? [item.check] : [];
      for (const id of ids) {
        const entry = byCheck.get(id) ?? { items: [], categories: [] };
        entry.items.push(item.id);
        if (!entry.categories.includes(c.id)) entry.categories.push(c.id);
        byCheck.set(id, entry);
      }
    }
  }
  return byCheck;
}

/** Memory a mutation check's test processes may take at once (a Node process with an app, a database and the test runner). */
const MEMORY_PER_MUTATION_WORKER = 256 * 1024 * 1024;

/**
 * How many mutation checks (the candidate's tests in scratch copies) run at the same time: one per
 * core, as many as free memory allows at `perWorker` bytes each, at least one.
 */
export function mutationPoolSize(
  machine: { cores: number; freeBytes: number } = { cores: os.availableParallelism(), freeBytes: os.freemem() },
  perWorker = MEMORY_PER_MUTATION_WORKER,
): number {
  const byMemory = Math.floor(machine.freeBytes / perWorker);
  return Math.max(1, Math.min(Math.floor(machine.cores), byMemory));
}

/**
 * The order checks run in: functional checks without chaos first (cheap, and the first results
 * arrive at once), then those that activate a chaos mode, then mutation checks (the candidate's
 * tests in scratch copies), which stream in after. The declared order holds within each group.
 */
export function runOrder<T>(entries: [string, T][], infos: Map<string, Pick<CheckInfo, 'kind' | 'chaos'>>): [string, T][] {
  const group = (id: string) => {
    const info = infos.get(id);
    if (info?.kind === 'mutation') return 2;
    return info?.chaos ? 1 : 0;
  };
  return entries
    .map((e, i) => ({ e, i, g: group(e[0]) }))
    .sort((a, b) => a.g - b.g || a.i - b.i)
    .map((x) => x.e);
}

/** A check that measures time runs with nothing beside it: performance checks, and those that say so. */
export function measuresTime(info: Pick<CheckInfo, 'kind' | 'timing'> | undefined): boolean {
  return info?.timing ?? info?.kind === 'performance';
}

/**
 * The phases of a run, each in `runOrder`:
 * - `first`: checks without chaos, one at a time, nothing beside them;
 * - `beside`: chaos checks that do not measure time, one at a time, while `mutation` runs;
 * - `mutation`: mutation checks, in the pool, from the start of `beside` on;
 * - `last`: chaos checks that measure time, one at a time, once the pool is done.
 * A check the runner did not declare (unknown) counts as a service check without chaos.
 */
export function runPlan<T>(
  entries: [string, T][],
  infos: Map<string, Pick<CheckInfo, 'kind' | 'chaos' | 'timing'>>,
): Record<'first' | 'beside' | 'mutation' | 'last', [string, T][]> {
  const ordered = runOrder(entries, infos);
  const phase = (id: string) => {
    const info = infos.get(id);
    if (info?.kind === 'mutation') return 'mutation';
    if (!info?.chaos) return 'first';
    return measuresTime(info) ? 'last' : 'beside';
  };
  return {
    first: ordered.filter(([id]) => phase(id) === 'first'),
    beside: ordered.filter(([id]) => phase(id) === 'beside'),
    mutation: ordered.filter(([id]) => phase(id) === 'mutation'),
    last: ordered.filter(([id]) => phase(id) === 'last'),
  };
}

/** The mutation pool: FAULTLINE_MUTATION_POOL when it is a positive integer, else sized to the machine. */
function mutationPool(): number {
  const fixed = Number(process.env['FAULTLINE_MUTATION_POOL']);
  return Number.isInteger(fixed) && fixed > 0 ? fixed : mutationPoolSize();
}

/** The check runner: a helper process on the services' runtime that loads the check files and runs one check at a time. */
function startRunnerProcess(ctx: RubricContext, checksDir: string, scratch: string): ChildGroup<typeof CheckRunnerIpc> {
  const { install, runtime, workspace } = ctx;
  const config = {
    checksDir,
    exerciseDir: ctx.exerciseDir,
    workspace,
    modules: install.runtimeModules,
    runtime: { execPath: runtime.execPath, env: runtime.env, version: runtime.version },
    preload: path.join(install.serversDir, 'preload.js'),
    services: Object.fromEntries(
      ctx.supervisor.status().map((s) => [s.name, { url: s.url, ...(s.database ? { database: s.database } : {}) }]),
    ),
    control: ctx.control,
    pool: mutationPool(),
    scratch,
  };
  return new ChildGroup<typeof CheckRunnerIpc>({
    execPath: runtime.execPath,
    args: ['--require', path.join(install.serversDir, 'preload.js'), path.join(install.serversDir, 'check-runner.js')],
    cwd: ctx.exerciseDir,
    env: { ...process.env, ...runtime.env, FAULTLINE_CHECK_RUN: JSON.stringify(config), NODE_OPTIONS: '' },
    label: 'the check runner',
    reaper: ctx.supervisor.reaper,
    log: { service: 'checks', instance: 1, onRecord: (r) => ctx.onLog?.(r) },
  });
}

/** A check runner process, started on demand and replaced when a check hangs or kills it. */
class RunnerSlot {
  private runner: ChildGroup<typeof CheckRunnerIpc> | undefined;
  private loading: Promise<{ checks: CheckInfo[]; problems: string[] }> | undefined;

  constructor(
    private readonly ctx: RubricContext,
    private readonly checksDir: string,
    private readonly scratch: string,
  ) {}

  /** (Re)starts the runner; resolves when it has loaded the check files. */
  start(): Promise<{ checks: CheckInfo[]; problems: string[] }> {
    this.runner?.kill();
    const runner = startRunnerProcess(this.ctx, this.checksDir, this.scratch);
    this.runner = runner;
    this.loading = runner.ipc.call('load', {}, 30_000);
    return this.loading;
  }

  /**
   * Starts the runner and has it get ready for the candidate's tests (test workers, the coverage
   * parser) while other checks run. A runner that cannot start is left to `ready` to report.
   */
  warm(): void {
    const runner = this.start().then(() => this.runner?.ipc.call('warm', {}, 30_000));
    runner.catch(() => undefined);
  }

  /** The runner, once it has loaded the check files (started now if it is not). */
  async ready(): Promise<ChildGroup<typeof CheckRunnerIpc>> {
    if (!this.loading || !this.runner) this.start().catch(() => undefined);
    await this.loading;
    return this.runner as ChildGroup<typeof CheckRunnerIpc>;
  }

  kill(): void {
    this.runner?.kill();
  }

  /** Lets the runner stop what it started (test workers), then kills it. */
  async close(): Promise<void> {
    const runner = this.runner;
    if (!runner) return;
    if (runner.running) await runner.ipc.call('close', {}, 5000).catch(() => undefined);
    runner.kill();
  }
}

export async function runRubric(
  ctx: RubricContext,
  opts: RubricRunOptions = {},
): Promise<{ run: string; results: CheckResult[]; aborted: boolean }> {
  const rubric = ctx.exercise.rubric;
  if (!rubric) throw new FaultlineError('usage', `${ctx.exercise.id} has no rubric`);
  const checksRel = ctx.exercise.interviewer.checks;
  if (!checksRel) throw new FaultlineError('usage', `${ctx.exercise.id} has no hidden checks (interviewer.checks)`);
  const checksDir = path.resolve(ctx.exerciseDir, checksRel);
  let selected = checksFor(rubric, opts.stage);
  if (opts.only && opts.only.length > 0) {
    const unknown = opts.only.filter((id) => !selected.has(id));
    if (unknown.length > 0)
      throw new FaultlineError(
        'usage',
        `no rubric check ${unknown.map((u) => `"${u}"`).join(', ')}`,
        `checks: ${[...selected.keys()].join(', ')}`,
      );
    selected = new Map([...selected].filter(([id]) => opts.only?.includes(id)));
  }

  const run = crypto.randomBytes(4).toString('hex');
  const started = performance.now();
  const emit = (e: RubricEvent) => opts.onEvent?.(e);
  const results: CheckResult[] = [];
  const previous = ctx.chaos.status().active;
  // What each check's result depends on, as the run starts (see ./reuse).
  const inputs: ReuseInputs = {
    exercise: exerciseHash(ctx.exerciseDir),
    chaos: previous ? { mode: previous.mode, seed: previous.seed ?? null } : null,
    files: fileHashes(ctx.workspace),
  };
  const earlier = opts.changed ? lastCompleteRun(ctx.timeline.read()) : new Map<string, CheckResult>();
  const complete = !opts.stage && !(opts.only && opts.only.length > 0);
  let infos = new Map<string, CheckInfo>();
  let loadProblems: string[] = [];
  let aborted = false;
  let snapshots = new Map<string, Record<string, Record<string, unknown>[]>>();
  // The runners' scratch copies of the workspace (warm test workers): removed after them, whatever happened.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-checks-'));
  // Two runners: one for the checks that reach the services, one for the mutation checks that run
  // beside them (replacing a hung runner must not cut the other's checks short).
  const runners = { services: new RunnerSlot(ctx, checksDir, scratch), mutation: new RunnerSlot(ctx, checksDir, scratch) };

  try {
    // A known state: no chaos, every service healthy.
    if (previous) await ctx.chaos.reset();
    // The check runner starts (and compiles the check files) while the services are revived and
    // their databases snapshotted: the first result comes sooner.
    const runnerReady = runners.services.start().then((loaded) => {
      infos = new Map(loaded.checks.map((c) => [c.id, c]));
      loadProblems = loaded.problems;
    });
    runnerReady.catch(() => undefined);
    for (const s of ctx.exercise.services) await ctx.supervisor.revive(s.name);
    snapshots = await snapshotDatabases(ctx);
    await runnerReady;
    ctx.timeline.append('rubric.start', { run, stage: opts.stage ?? null, checks: [...selected.keys()] });
    emit({
      type: 'start',
      run,
      stage: opts.stage ?? null,
      checks: [...selected].map(([id, where]) => ({
        id,
        title: infos.get(id)?.title ?? id,
        kind: infos.get(id)?.kind ?? 'unknown',
        ...where,
      })),
    });

    // Checks that touch the services run one at a time; mutation checks only run the candidate's
    // tests in scratch copies, so they share a small pool.
    const runCheck = async (id: string, where: { items: string[]; categories: string[] }) => {
      if (opts.signal?.aborted) {
        aborted = true;
        return;
      }
      emit({ type: 'check-start', run, id });
      const info = infos.get(id);
      const at = Date.now();
      let result: CheckResult;
      const before = earlier.get(id);
      if (before?.fingerprint !== undefined && before.fingerprint === fingerprint(inputs, before.inputs)) {
        // `--changed`: nothing this check depends on changed since the last complete run.
        result = { ...before, ...where, reused: true };
        results.push(result);
        ctx.timeline.append('rubric.check', { run, ...result });
        emit({ type: 'check', run, result });
        return;
      }
      if (!info) {
        const why =
          loadProblems.length > 0
            ? `the check files could not be loaded: ${loadProblems.join('; ')}`
            : `no check "${id}" is declared in ${checksRel}`;
        result = { id, title: id, kind: 'unknown', status: 'error', ms: 0, message: why, logs: [], ...where };
      } else {
        result = await runOne(ctx, info, where, info.kind === 'mutation' ? runners.mutation : runners.services, opts.signal);
      }
      if (result.status !== 'passed' && result.status !== 'not-run' && info?.kind !== 'mutation') {
        result.serviceLogs = serviceLogs(ctx.supervisor, at);
        // A check may have left a service hung or dead: the next checks get working services.
        await reviveUnresponsive(ctx, id);
      }
      if (result.status !== 'not-run' && result.status !== 'timeout' && result.status !== 'error')
        result.fingerprint = fingerprint(inputs, result.inputs);
      results.push(result);
      ctx.timeline.append('rubric.check', { run, ...result });
      emit({ type: 'check', run, result });
      if (opts.signal?.aborted) aborted = true;
    };
    const plan = runPlan([...selected], infos);
    // The mutation checks' runner loads the check files and gets its test workers ready while the
    // first checks run.
    if (plan.mutation.length > 0) runners.mutation.warm();
    for (const [id, where] of plan.first) await runCheck(id, where);
    const pooled = [...plan.mutation];
    const pool = (async () => {
      if (pooled.length === 0) return;
      // A runner that cannot start gives each mutation check an error result (see runOne), not the run.
      await Promise.all(
        Array.from({ length: Math.min(mutationPool(), pooled.length) }, async () => {
          for (let next = pooled.shift(); next; next = pooled.shift()) await runCheck(next[0], next[1]);
        }),
      );
    })();
    try {
      for (const [id, where] of plan.beside) await runCheck(id, where);
    } finally {
      await pool;
    }
    for (const [id, where] of plan.last) await runCheck(id, where);
  } finally {
    await Promise.all([runners.services.close(), runners.mutation.close()]);
    fs.rmSync(scratch, { recursive: true, force: true });
    // Restore the state the interviewer had before the run, whatever happened.
    if (ctx.chaos.status().active) await ctx.chaos.reset().catch(() => undefined);
    // The candidate's data is theirs: the checks' accounts, orders and racers go.
    const restored = await restoreDatabases(ctx, snapshots);
    if (restored.length > 0) ctx.timeline.append('rubric.restore.failed', { run, errors: restored });
    if (previous) await ctx.chaos.activate(previous.mode, previous.seed).catch(() => undefined);
    const passed = results.filter((r) => r.status === 'passed').length;
    const ran = results.filter((r) => r.status !== 'not-run').length;
    const ms = Math.round(performance.now() - started);
    const reused = results.filter((r) => r.reused).length;
    ctx.timeline.append('rubric.end', { run, passed, failed: ran - passed, aborted, ms, complete, reused });
    emit({ type: 'end', run, passed, failed: ran - passed, aborted, ms });
  }
  return { run, results, aborted };
}

/** Every row of every service database that exists now, by file. */
async function snapshotDatabases(ctx: RubricContext): Promise<Map<string, Record<string, Record<string, unknown>[]>>> {
  const files = ctx.exercise.services.filter((s) => s.database).map((s) => ctx.chaos.dbFile(s.name));
  const existing = [...new Set(files)].filter((f) => fs.existsSync(f));
  const out = new Map<string, Record<string, Record<string, unknown>[]>>();
  if (existing.length === 0) return out;
  const agent = await ctx.chaos.db();
  for (const file of existing) out.set(file, await agent.call('snapshot', { file }, 60_000));
  return out;
}

/** Puts the snapshots back; returns what could not be restored (never throws). */
async function restoreDatabases(ctx: RubricContext, snapshots: Map<string, Record<string, Record<string, unknown>[]>>): Promise<string[]> {
  const errors: string[] = [];
  if (snapshots.size === 0) return errors;
  try {
    const agent = await ctx.chaos.db();
    for (const [file, snapshot] of snapshots) {
      await agent
        .call('restore', { file, snapshot }, 60_000)
        .catch((e: unknown) => errors.push(`${path.basename(file)}: ${errorMessage(e)}`));
    }
  } catch (e) {
    errors.push(errorMessage(e));
  }
  return errors;
}

async function runOne(
  ctx: RubricContext,
  info: CheckInfo,
  where: { items: string[]; categories: string[] },
  runner: RunnerSlot,
  signal: AbortSignal | undefined,
): Promise<CheckResult> {
  const base = { id: info.id, title: info.title, kind: info.kind, ...where };
  const started = performance.now();
  let onAbort: (() => void) | undefined;
  try {
    if (info.chaos) await ctx.chaos.activate(info.chaos, 1);
    // The runner enforces the check's own timeout; this is the backstop for a runner that is stuck.
    const budget = (info.timeoutMs ?? 20_000) + 3000;
    // One listener per check, removed after it (a long run must not pile them up on the signal).
    const aborted = new Promise<'aborted'>((resolve) => {
      onAbort = () => resolve('aborted');
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    const outcome = await Promise.race([
      runner
        .ready()
        .then((r) => r.ipc.call('run', { id: info.id }, budget))
        .then(
          (r) => ({ ok: true as const, r }),
          (err: unknown) => ({ ok: false as const, err }),
        ),
      aborted,
    ]);
    if (outcome === 'aborted') {
      runner.kill();
      // Cut short: not a result. It is recorded as such and never replaces an earlier result.
      return { ...base, status: 'not-run', ms: Math.round(performance.now() - started), message: 'the run was cancelled', logs: [] };
    }
    if (!outcome.ok) {
      // The runner hung or died: replace it so the next checks still run.
      const message = errorMessage(outcome.err);
      await runner.start().catch(() => undefined);
      return {
        ...base,
        status: outcome.err instanceof IpcTimeout ? 'timeout' : 'error',
        ms: Math.round(performance.now() - started),
        message,
        logs: [],
      };
    }
    return { ...base, ...outcome.r };
  } catch (err) {
    return { ...base, status: 'error', ms: Math.round(performance.now() - started), message: errorMessage(err), logs: [] };
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    if (info.chaos) await ctx.chaos.reset().catch(() => undefined);
  }
}

async function reviveUnresponsive(ctx: RubricContext, after: string): Promise<void> {
  for (const s of ctx.supervisor.status()) {
    const answer = await probe(healthUrl(s.url, s.health), 1500);
    if (answer.ok) continue;
    ctx.timeline.append('service.restarted', {
      service: s.name,
      reason: `did not answer ${s.health} after check ${after} (${answer.error ?? `HTTP ${answer.status}`})`,
    });
    await ctx.supervisor.restart(s.name).catch(() => undefined);
  }
}

function serviceLogs(supervisor: Supervisor, since: number): string[] {
  return supervisor
    .recentLogs(since)
    .slice(-25)
    .map((r) => `${r.service}${r.instance > 1 ? `#${r.instance}` : ''} ${r.level.toUpperCase().padEnd(5)} ${r.message}`);
}
