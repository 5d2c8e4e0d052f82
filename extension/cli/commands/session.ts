/** Running a session: `up`, `status`, `stop`, `restart`, `logs`, `timeline`. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CANDIDATE_INFO_FILE, serviceUrlEnv, type CandidateInfo } from '../../engine/candidateInfo';
import { findExercise } from '../../engine/catalog';
import { FaultlineError } from '../../engine/errors';
import type { Install } from '../../engine/install';
import { describeEvent } from '../../engine/rubric/scorecard';
import { controlApi } from '../../engine/protocol/control';
import { apiClient } from '../../engine/protocol/rpc';
import { isAlive, readState, readToken } from '../../engine/session';
import { probe } from '../../engine/supervisor/probe';
import { TimelineTail } from '../../engine/timeline';
import { findWorkspace, readMarker } from '../../engine/workspace';
import { LogPrinter, paint, table } from '../ui';
import { type Io, args, controlFor, need, stateFileFrom, liveState, parseSeed, printActivation } from '../common';
import type { TimelineEvent } from '../../engine/model/interview';
import { startSession } from '../../engine/interview/session';

export async function cmdUp(install: Install, argv: string[], io: Io): Promise<number> {
  const usage = 'faultline up [<dir>] [--state FILE] [--node PATH] [--fresh] [--practice] [--require-sandbox] [--chaos MODE [--seed N]]';
  const { values, positionals } = args(
    argv,
    {
      state: { type: 'string' },
      node: { type: 'string' },
      fresh: { type: 'boolean' },
      practice: { type: 'boolean' },
      chaos: { type: 'string' },
      seed: { type: 'string' },
      'require-sandbox': { type: 'boolean' },
    },
    usage,
  );
  const seed = parseSeed(values.seed, usage);
  if (values.help) {
    io.out(usage);
    return 0;
  }
  const dir = path.resolve(positionals[0] ?? need(findWorkspace(process.cwd()), 'workspace folder (or run this inside one)', usage));
  const abort = new AbortController();
  let interrupts = 0;
  let session: Awaited<ReturnType<typeof startSession>> | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts++;
    if (interrupts === 1) {
      io.out(paint.dim(io.s, `\n${sig}: stopping services… (again to force)`));
      abort.abort();
    } else {
      io.out(paint.red(io.s, 'forcing stop'));
      void session?.supervisor.stop(0).then(() => process.exit(130));
      if (!session) process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  const names: string[] = [];
  try {
    // Not a workspace: startSession says so, with what to do.
    const exerciseName = (() => {
      try {
        return readMarker(dir).exercise;
      } catch {
        return undefined;
      }
    })();
    if (exerciseName) {
      const ex = (() => {
        try {
          return findExercise(install, exerciseName);
        } catch {
          return undefined; // startSession says what is wrong with it
        }
      })();
      ex?.manifest.services.forEach((s) => names.push(s.name));
      // An unknown --chaos mode is a usage error: say so before starting anything.
      if (ex && values.chaos && !ex.manifest.chaos.some((c) => c.id === values.chaos)) {
        const known = ex.manifest.chaos.map((c) => c.id);
        throw new FaultlineError(
          'usage',
          `unknown chaos mode "${values.chaos}"`,
          known.length ? `chaos modes of ${ex.manifest.id}: ${known.join(', ')}` : `${ex.manifest.id} has no chaos modes`,
        );
      }
    }
    const printer = new LogPrinter(io.s, names);
    try {
      session = await startSession({
        install,
        workspace: dir,
        nodePath: values.node ?? process.env['FAULTLINE_NODE'],
        stateFiles: values.state ? [values.state] : [],
        fresh: values.fresh ?? false,
        practice: values.practice ?? false,
        requireSandbox: values['require-sandbox'] ?? process.env['FAULTLINE_REQUIRE_SANDBOX'] === '1',
        signal: abort.signal,
        onLog: (r) => io.out(printer.format(r)),
        onProgress: (m) => io.out(paint.dim(io.s, `[faultline] ${m}`)),
        onEvent: (e) => {
          const name = e.instance > 1 ? `${e.service}#${e.instance}` : e.service;
          if (e.type === 'healthy')
            io.out(paint.green(io.s, `[faultline] ${name} healthy (pid ${e.pid}, ${e.ms} ms; process port :${new URL(e.url).port})`));
          if (e.type === 'failed') io.out(paint.red(io.s, `[faultline] ${name} failed: ${e.reason}`));
          if (e.type === 'crashed') {
            io.out(paint.red(io.s, `[faultline] ${e.crash.summary}`));
            if (e.crash.exception && !e.crash.duringStartup) io.out(paint.dim(io.s, e.crash.exception.stack));
          }
        },
      });
    } catch (err) {
      if (!abort.signal.aborted) throw err;
      io.out(paint.dim(io.s, '[faultline] stopped before all services were up'));
      return 130;
    }
    const ready = session.state;
    if (values.chaos) {
      try {
        printActivation(io, await session.chaos.activate(values.chaos, seed));
      } catch (err) {
        await session.stop();
        throw err;
      }
    }
    io.out(`FAULTLINE_READY ${JSON.stringify(ready)}`);
    io.out(
      paint.green(io.s, `[faultline] ${session.exercise.title} is up: `) +
        Object.entries(ready.services)
          .map(([n, s]) => `${n} ${s.url}`)
          .join(', ') +
        paint.dim(io.s, ' — Ctrl-C stops everything'),
    );
    io.out(
      paint.green(io.s, '[faultline] candidate portal: ') + ready.portal.url + paint.dim(io.s, ' (brief, service URLs, hints, time left)'),
    );
    await Promise.race([session.stopRequested, new Promise<void>((r) => abort.signal.addEventListener('abort', () => r()))]);
    await session.stop();
    io.out(paint.dim(io.s, '[faultline] all services stopped'));
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  }
}

export async function cmdStatus(argv: string[], io: Io): Promise<number> {
  const usage = 'faultline status [<dir>] [--state FILE] [--json]';
  const { values, positionals } = args(argv, { state: { type: 'string' }, json: { type: 'boolean' } }, usage);
  if (values.help) {
    io.out(usage);
    return 0;
  }
  const { state, client } = controlFor(positionals[0], values.state, usage, 10_000);
  const status = await client.status(null).catch((err: unknown) => {
    if (err instanceof FaultlineError && err.code === 'not-running') {
      throw new FaultlineError(
        'not-running',
        `the session for ${state.workspace} does not answer (${err.message})`,
        'restart it with `faultline up`',
      );
    }
    throw err;
  });
  const checks = await Promise.all(
    status.services.flatMap((s) => s.instances.map(async (i) => ({ s, i, r: await probe(i.url + s.health, 2000) }))),
  );
  const healthy = checks.every((c) => c.r.ok);
  if (values.json) {
    io.out(
      JSON.stringify({ ...status, healthy, probes: checks.map((c) => ({ service: c.s.name, instance: c.i.instance, ...c.r })) }, null, 2),
    );
    return healthy ? 0 : 1;
  }
  io.out(`${paint.bold(io.s, status.exercise)} in ${status.workspace} — running since ${status.startedAt} (pid ${status.pid})`);
  // URL is the service's public address (through the fault proxy: what clients and the candidate
  // use); PROCESS PORT is the process's own, which the health probe reaches directly (no chaos).
  const rows = [['SERVICE', 'STATE', 'URL', 'PROCESS PORT', 'PID', 'RESTARTS', 'HEALTH']];
  for (const { s, i, r } of checks) {
    const name = s.instances.length > 1 ? `${s.name}#${i.instance}` : s.name;
    const st = i.unresponsive
      ? paint.red(io.s, 'not responding')
      : i.state === 'healthy'
        ? paint.green(io.s, i.state)
        : paint.red(io.s, i.state);
    const health = r.ok ? `${r.status} in ${Math.round(r.ms)} ms` : paint.red(io.s, r.status ? `HTTP ${r.status}` : (r.error ?? 'down'));
    rows.push([name, st, s.url, String(i.port), String(i.pid ?? '-'), String(i.restarts), health]);
  }
  io.out(table(rows, io.s));
  for (const { s, i } of checks) {
    if (i.lastCrash && i.state !== 'healthy') io.out(paint.red(io.s, `${s.name}: ${i.lastCrash.summary}`));
    if (i.unresponsive)
      io.out(paint.red(io.s, `${s.name}: not responding since ${new Date(i.unresponsive.since).toISOString()}: ${i.unresponsive.detail}`));
  }
  return healthy ? 0 : 1;
}

export async function cmdStop(argv: string[], io: Io): Promise<number> {
  const usage = 'faultline stop [<dir>] [--state FILE]';
  const { values, positionals } = args(argv, { state: { type: 'string' } }, usage);
  if (values.help) {
    io.out(usage);
    return 0;
  }
  const file = stateFileFrom(positionals[0], values.state, usage);
  // Stopping what is already stopped is done, not an error.
  const known = fs.existsSync(file) ? readState(file) : undefined;
  if (!known || known.stoppedAt || !isAlive(known.pid)) {
    io.out(`already stopped${known ? `: ${known.exercise} (${known.workspace})` : ''}`);
    return 0;
  }
  const state = liveState(file);
  await apiClient(controlApi, state.control.url, readToken(state)).stop({});
  const deadline = Date.now() + 15_000;
  while (isAlive(state.pid) && Date.now() < deadline) {
    const now = readState(file);
    if (now.stoppedAt) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  io.out(`stopped ${state.exercise} (${state.workspace})`);
  return 0;
}

export async function cmdRestart(argv: string[], io: Io): Promise<number> {
  const usage = 'faultline restart <service> [<dir>] [--state FILE]';
  const { values, positionals } = args(argv, { state: { type: 'string' } }, usage);
  if (values.help) {
    io.out(usage);
    return 0;
  }
  const service = need(positionals[0], 'service', usage);
  const s = await controlFor(positionals[1], values.state, usage, 120_000).client.restart({ service });
  io.out(`${service} restarted: ${s.url}`);
  return 0;
}

export async function cmdLogs(argv: string[], io: Io): Promise<number> {
  const usage = 'faultline logs <service> [<dir>] [--state FILE] [-n N]';
  const { values, positionals } = args(argv, { state: { type: 'string' }, lines: { type: 'string', short: 'n' } }, usage);
  if (values.help) {
    io.out(usage);
    return 0;
  }
  const service = need(positionals[0], 'service', usage);
  const { state, client } = controlFor(positionals[1], values.state, usage, 10_000);
  const lines = values.lines ? Number.parseInt(values.lines, 10) : 100;
  if (!Number.isInteger(lines) || lines < 1 || lines > 400) throw new FaultlineError('usage', '-n must be a number from 1 to 400', usage);
  const records = await client.logs({ service, lines });
  const printer = new LogPrinter(io.s, Object.keys(state.services));
  for (const r of records) io.out(printer.format(r));
  return 0;
}

export async function cmdTimeline(argv: string[], io: Io): Promise<number> {
  const usage = 'faultline timeline [<dir>] [--state FILE] [--json] [--follow]';
  const { values, positionals } = args(
    argv,
    { state: { type: 'string' }, json: { type: 'boolean' }, follow: { type: 'boolean', short: 'f' } },
    usage,
  );
  if (values.help) {
    io.out(usage);
    return 0;
  }
  // A past interview too: the timeline outlives its session.
  const stateFile = stateFileFrom(positionals[0], values.state, usage);
  const sessionDir = values.state ? readState(stateFile).sessionDir : path.dirname(stateFile);
  const file = path.join(sessionDir, 'timeline.jsonl');
  if (!fs.existsSync(file)) {
    throw new FaultlineError(
      'not-a-workspace',
      `no timeline at ${file}: this workspace has not run a session yet`,
      'start one with `faultline up`',
    );
  }
  let started: number | undefined;
  const show = (e: TimelineEvent) => {
    if (e.type === 'session.start') started = Date.parse(e.t);
    if (values.json) return io.out(JSON.stringify(e));
    const text = describeEvent(e);
    if (text === null) return;
    const at = new Date(e.t);
    const elapsed = started === undefined ? '' : `+${clockOf(at.getTime() - started)}`;
    io.out(`${paint.dim(io.s, at.toTimeString().slice(0, 8))} ${paint.dim(io.s, elapsed.padStart(8))}  ${text}`);
  };
  const tail = new TimelineTail(file);
  let ended = false;
  const showNew = () => {
    for (const e of tail.read()) {
      show(e);
      if (e.type === 'session.start') ended = false;
      if (e.type === 'session.stop') ended = true;
    }
  };
  showNew();
  if (!values.follow) return 0;
  // Follow until the session stops (or Ctrl-C). Watch first, then read what came meanwhile.
  await new Promise<void>((resolve) => {
    const done = () => {
      watcher.close();
      process.off('SIGINT', done);
      resolve();
    };
    const watcher = fs.watch(file, () => {
      showNew();
      if (ended) done();
    });
    process.once('SIGINT', done);
    showNew();
    if (ended) done();
  });
  return 0;
}

/** "1:02:03" / "2:03" for a duration in ms. */
export function clockOf(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** `faultline env`: each service's public address as `export NAME_URL=…` lines, for `eval "$(faultline env)"`. */
export function cmdEnv(argv: string[], io: Io): number {
  const usage = 'faultline env [<dir>] [--json]';
  const { values, positionals } = args(argv, { json: { type: 'boolean' } }, usage);
  if (values.help) {
    io.out(usage);
    return 0;
  }
  const workspace = positionals[0] ? path.resolve(positionals[0]) : findWorkspace(process.cwd());
  if (!workspace) throw new FaultlineError('usage', 'say which workspace: run this inside one, or give its folder', usage);
  // The candidate-safe file the session publishes in the workspace: no token needed.
  let info: CandidateInfo;
  try {
    info = JSON.parse(fs.readFileSync(path.join(workspace, CANDIDATE_INFO_FILE), 'utf8')) as CandidateInfo;
  } catch {
    throw new FaultlineError('not-running', `no session is running for ${workspace}`, `start one with \`faultline up ${workspace}\``);
  }
  const env = serviceUrlEnv(info.services);
  if (values.json) io.out(JSON.stringify(env, null, 2));
  else for (const [name, url] of Object.entries(env)) io.out(`export ${name}=${url}`);
  return 0;
}
