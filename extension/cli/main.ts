/**
 * `faultline` — the command-line face of the engine. Thin: parse arguments, call the engine,
 * print results. Every failure is a FaultlineError with a message, a hint and an exit status.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { requestAutostart } from '../engine/autostart';
import { loadCatalog } from '../engine/catalog';
import { FaultlineError, errorMessage, exitCodeFor } from '../engine/errors';
import { installAt, type Install } from '../engine/install';
import { startSession } from '../engine/interview';
import { formatProblem, validateManifestFile } from '../engine/manifest/validate';
import { initExercise } from '../engine/authoring/init';
import type { ActivationReport } from '../engine/chaos/controller';
import type { Score } from '../engine/rubric/score';
import { describeEvent, renderHtml, renderMarkdown } from '../engine/rubric/scorecard';
import { controlApi } from '../engine/protocol/control';
import { apiClient } from '../engine/protocol/rpc';
import { isAlive, readState, readToken, sessionDirFor, writeFileAtomic, type SessionState } from '../engine/session';
import { majorOf, pathNodeVersion, resolveRuntime } from '../engine/runtime';
import { probe } from '../engine/supervisor/probe';
import { TimelineTail, type TimelineEvent } from '../engine/timeline';
import { createWorkspace, readMarker } from '../engine/workspace';
import { LogPrinter, detectColor, paint, style, table, type Style } from './ui';

declare const FAULTLINE_VERSION: string;
const VERSION = typeof FAULTLINE_VERSION === 'string' ? FAULTLINE_VERSION : '0.0.0-dev';

const USAGE = `faultline ${VERSION} — chaos-engineering interview rooms

Usage:
  faultline list [--json]                              exercises you can run
  faultline new <exercise> <dir> [--solution NAME] [--autostart interview|practice]
                                                       create a candidate workspace
  faultline open <dir> [--practice] [--no-editor]      hand it to VS Code, which starts its services
  faultline up <dir> [--state FILE] [--node PATH] [--fresh] [--practice] [--chaos MODE [--seed N]]
                                                       run its services in the foreground
  faultline status [<dir>] [--state FILE] [--json]     what is running, live health
  faultline logs <service> [<dir>] [--state FILE] [-n N]
  faultline restart <service> [<dir>] [--state FILE]
  faultline chaos <mode|reset|status> [<dir>] [--state FILE] [--seed N] [--json]
                                                       break things on purpose, at runtime
  faultline hint <ladder|list> [<dir>] [--state FILE] [--level mild|medium|strong]
                                                       send the candidate the next hint
  faultline phase [next|<phase>] [<dir>] [--state FILE] [--json]
                                                       the interview clock; move to the next phase
  faultline check [<dir>] [--state FILE] [--stage S] [--only ID,…] [--json] [--md FILE] [--html FILE]
                                                       run the hidden rubric checks, write the scorecard
  faultline score <item> <points> [<dir>] [--state FILE] --note TEXT
                                                       score a manual rubric item
  faultline scorecard [<dir>] [--state FILE] [--json] [--md FILE] [--html FILE]
  faultline timeline [<dir>] [--state FILE] [--json] [--follow]
                                                       what happened: chaos, hints, phases, tests, rubric runs
  faultline portal [<dir>] [--state FILE] [--open]     the candidate portal's URL (brief, services, hints, time left)
  faultline stop [<dir>] [--state FILE]
  faultline validate [<exercise dir>...]               check exercise manifests
  faultline init-exercise <dir> [--id ID] [--title TITLE]
                                                       start a new exercise from a working skeleton

Environment: FAULTLINE_NODE (Node.js for services), FAULTLINE_HOME (session folders), NO_COLOR.
`;

interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  s: Style;
  errStyle: Style;
}

function args<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, usage: string) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new FaultlineError('usage', errorMessage(err), usage);
  }
}

function need(value: string | undefined, what: string, usage: string): string {
  if (value === undefined || value === '') throw new FaultlineError('usage', `missing ${what}`, usage);
  return value;
}

function stateFileFrom(dir: string | undefined, stateFile: string | undefined, usage: string): string {
  if (stateFile) return path.resolve(stateFile);
  if (dir) return path.join(sessionDirFor(path.resolve(dir)), 'state.json');
  throw new FaultlineError('usage', 'say which session: a workspace folder or --state FILE', usage);
}

function liveState(file: string): SessionState {
  const state = readState(file);
  if (state.stoppedAt) throw new FaultlineError('not-running', `the session for ${state.workspace} stopped at ${state.stoppedAt}`);
  if (!isAlive(state.pid)) {
    throw new FaultlineError(
      'not-running',
      `the session for ${state.workspace} is not running (pid ${state.pid} is gone)`,
      'start it with `faultline up`',
    );
  }
  return state;
}

// --- commands ---------------------------------------------------------------------------------

function cmdList(install: Install, argv: string[], io: Io): number {
  const { values } = args(argv, { json: { type: 'boolean' } }, 'faultline list [--json]');
  const catalog = loadCatalog(install);
  if (values.json) {
    io.out(
      JSON.stringify(
        {
          exercises: catalog.exercises.map(({ manifest: m }) => ({
            id: m.id,
            title: m.title,
            summary: m.summary,
            level: m.level,
            durationMinutes: m.durationMinutes,
            services: m.services.map((s) => s.name),
            chaos: m.chaos.map((c) => c.id),
            solutions: Object.keys(m.solutions),
          })),
          problems: catalog.problems.map(formatProblem),
        },
        null,
        2,
      ),
    );
  } else {
    const rows = [['EXERCISE', 'LEVEL', 'MINUTES', 'SERVICES', 'TITLE']];
    for (const { manifest: m } of catalog.exercises) {
      rows.push([m.id, m.level, String(m.durationMinutes), m.services.map((s) => s.name).join(','), `${m.title} — ${m.summary}`]);
    }
    io.out(table(rows, io.s));
    for (const p of catalog.problems) io.err(paint.yellow(io.errStyle, `skipped: ${formatProblem(p)}`));
  }
  return 0;
}

async function cmdNew(install: Install, argv: string[], io: Io): Promise<number> {
  const usage = 'faultline new <exercise> <dir> [--solution NAME] [--autostart interview|practice]';
  const { values, positionals } = args(argv, { solution: { type: 'string' }, autostart: { type: 'string' } }, usage);
  const autostart = values.autostart;
  if (autostart !== undefined && autostart !== 'interview' && autostart !== 'practice')
    throw new FaultlineError('usage', '--autostart must be "interview" or "practice"', usage);
  if (values.help) {
    io.out(usage);
    return 0;
  }
  const id = need(positionals[0], 'exercise', usage);
  const dir = need(positionals[1], 'target folder', usage);
  if (positionals.length > 2) throw new FaultlineError('usage', `unexpected argument "${positionals[2]}"`, usage);
  const exercise = loadCatalog(install).get(id);
  const started = Date.now();
  const created = await createWorkspace({
    install,
    exercise,
    dir,
    solution: values.solution,
    onProgress: (m) => io.out(paint.dim(io.s, `  ${m}`)),
  });
  io.out(
    `${paint.green(io.s, 'created')} ${exercise.manifest.title} workspace at ${created.dir}` +
      `${values.solution ? ` with the ${values.solution} solution` : ''} in ${Date.now() - started} ms` +
      ` (${created.packages} packages, baseline ${created.marker.baseline.slice(0, 8)})`,
  );
  if (autostart) {
    requestAutostart(created.dir, autostart);
    io.out(`the editor that opens it next starts its services (${autostart})`);
    return 0;
  }
  const needs = exercise.manifest.runtime?.node;
  const found = needs === undefined ? undefined : await pathNodeVersion();
  if (needs !== undefined && (!found || majorOf(found) < needs)) {
    const ours = (() => {
      try {
        return resolveRuntime({ explicit: process.env['FAULTLINE_NODE'], minMajor: needs, install });
      } catch {
        return undefined;
      }
    })();
    io.out(
      paint.yellow(
        io.s,
        `note: its tests (npm test) need Node ${needs}+, and ${found ? `the node on your PATH is ${found}` : 'there is no node on your PATH'}` +
          ` — use a newer one in the candidate's terminal${ours ? `, e.g. PATH=${path.dirname(ours.execPath)}${path.delimiter}$PATH (Node ${ours.version}, what Faultline runs the services on)` : ''}`,
      ),
    );
  }
  const shown = path.relative(process.cwd(), created.dir);
  io.out(`next: faultline up ${shown === '' ? '.' : shown.startsWith('..') ? created.dir : shown}`);
  return 0;
}

async function cmdUp(install: Install, argv: string[], io: Io): Promise<number> {
  const usage = 'faultline up <dir> [--state FILE] [--node PATH] [--fresh] [--practice] [--chaos MODE [--seed N]]';
  const { values, positionals } = args(
    argv,
    {
      state: { type: 'string' },
      node: { type: 'string' },
      fresh: { type: 'boolean' },
      practice: { type: 'boolean' },
      chaos: { type: 'string' },
      seed: { type: 'string' },
    },
    usage,
  );
  const seed = parseSeed(values.seed, usage);
  if (values.help) {
    io.out(usage);
    return 0;
  }
  const dir = path.resolve(need(positionals[0], 'workspace folder', usage));
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
    const exerciseName = (() => {
      try {
        return JSON.parse(fs.readFileSync(path.join(dir, '.faultline', 'workspace.json'), 'utf8')) as { exercise?: string };
      } catch {
        return {};
      }
    })().exercise;
    if (exerciseName) {
      const ex = loadCatalog(install).exercises.find((e) => e.manifest.id === exerciseName);
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
        signal: abort.signal,
        onLog: (r) => io.out(printer.format(r)),
        onProgress: (m) => io.out(paint.dim(io.s, `[faultline] ${m}`)),
        onEvent: (e) => {
          const name = e.instance > 1 ? `${e.service}#${e.instance}` : e.service;
          if (e.type === 'healthy') io.out(paint.green(io.s, `[faultline] ${name} healthy at ${e.url} (pid ${e.pid}, ${e.ms} ms)`));
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

async function cmdStatus(argv: string[], io: Io): Promise<number> {
  const usage = 'faultline status [<dir>] [--state FILE] [--json]';
  const { values, positionals } = args(argv, { state: { type: 'string' }, json: { type: 'boolean' } }, usage);
  if (values.help) {
    io.out(usage);
    return 0;
  }
  const state = liveState(stateFileFrom(positionals[0], values.state, usage));
  const client = apiClient(controlApi, state.control.url, readToken(state));
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
  // use); PORT is the process's own, which the health probe reaches directly.
  const rows = [['SERVICE', 'STATE', 'URL', 'PORT', 'PID', 'RESTARTS', 'HEALTH']];
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

/** Open a URL in the desktop's browser if an opener exists; returns the opener used, or null. */
function onPath(command: string): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    for (const ext of process.platform === 'win32' ? ['.cmd', '.exe', ''] : ['']) {
      const file = path.join(dir, command + ext);
      if (fs.existsSync(file)) return file;
    }
  }
  return null;
}

/** Hand a workspace to VS Code: the Faultline extension there starts its services (interview or practice). */
function cmdOpen(argv: string[], io: Io): number {
  const usage = 'faultline open <dir> [--practice] [--no-editor]';
  const { values, positionals } = args(argv, { practice: { type: 'boolean' }, 'no-editor': { type: 'boolean' } }, usage);
  if (values.help) {
    io.out(usage);
    return 0;
  }
  const dir = path.resolve(need(positionals[0], 'workspace folder', usage));
  const marker = readMarker(dir);
  const mode = values.practice ? 'practice' : 'interview';
  requestAutostart(dir, mode);
  const code = values['no-editor'] ? null : onPath('code');
  if (code) {
    const child = spawn(code, [dir], { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
    io.out(`opening ${dir} in VS Code: Faultline starts the ${marker.exercise} services (${mode})`);
  } else {
    io.out(
      `${values['no-editor'] ? '' : 'VS Code (`code`) is not on PATH. '}Open ${dir} in VS Code with Faultline installed within ten minutes: ` +
        `it starts the ${marker.exercise} services (${mode}).`,
    );
  }
  return 0;
}

function openInBrowser(url: string): string | null {
  const [command, args] =
    process.platform === 'win32'
      ? ['cmd', ['/c', 'start', '""', url]]
      : process.platform === 'darwin'
        ? ['open', [url]]
        : ['xdg-open', [url]];
  const found =
    process.platform === 'win32' ||
    (process.env['PATH'] ?? '').split(path.delimiter).some((dir) => dir !== '' && fs.existsSync(path.join(dir, command)));
  if (!found) return null;
  try {
    const child = spawn(command, args, { detached: true, stdio: 'ignore', windowsHide: true });
    child.on('error', () => undefined);
    child.unref();
    return command;
  } catch {
    return null;
  }
}

function cmdPortal(argv: string[], io: Io): number {
  const usage = 'faultline portal [<dir>] [--state FILE] [--open]';
  const { values, positionals } = args(argv, { state: { type: 'string' }, open: { type: 'boolean' } }, usage);
  if (values.help) {
    io.out(usage);
    return 0;
  }
  const state = liveState(stateFileFrom(positionals[0], values.state, usage));
  const url = (state as Partial<SessionState>).portal?.url;
  if (!url) {
    throw new FaultlineError(
      'not-running',
      `the session for ${state.workspace} has no candidate portal`,
      'it was started by an older Faultline: restart it with `faultline up`',
    );
  }
  io.out(url);
  if (values.open && !openInBrowser(url))
    io.err(paint.dim(io.errStyle, 'no browser opener (xdg-open, open, start) found: open the URL above'));
  return 0;
}

async function cmdStop(argv: string[], io: Io): Promise<number> {
  const usage = 'faultline stop [<dir>] [--state FILE]';
  const { values, positionals } = args(argv, { state: { type: 'string' } }, usage);
  if (values.help) {
    io.out(usage);
    return 0;
  }
  const file = stateFileFrom(positionals[0], values.state, usage);
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

async function cmdRestart(argv: string[], io: Io): Promise<number> {
  const usage = 'faultline restart <service> [<dir>] [--state FILE]';
  const { values, positionals } = args(argv, { state: { type: 'string' } }, usage);
  if (values.help) {
    io.out(usage);
    return 0;
  }
  const service = need(positionals[0], 'service', usage);
  const state = liveState(stateFileFrom(positionals[1], values.state, usage));
  const s = await apiClient(controlApi, state.control.url, readToken(state), 120_000).restart({ service });
  io.out(`${service} restarted: ${s.url}`);
  return 0;
}

async function cmdLogs(argv: string[], io: Io): Promise<number> {
  const usage = 'faultline logs <service> [<dir>] [--state FILE] [-n N]';
  const { values, positionals } = args(argv, { state: { type: 'string' }, lines: { type: 'string', short: 'n' } }, usage);
  if (values.help) {
    io.out(usage);
    return 0;
  }
  const service = need(positionals[0], 'service', usage);
  const state = liveState(stateFileFrom(positionals[1], values.state, usage));
  const lines = values.lines ? Number.parseInt(values.lines, 10) : 100;
  if (!Number.isInteger(lines) || lines < 1 || lines > 400) throw new FaultlineError('usage', '-n must be a number from 1 to 400', usage);
  const records = await apiClient(controlApi, state.control.url, readToken(state)).logs({ service, lines });
  const printer = new LogPrinter(io.s, Object.keys(state.services));
  for (const r of records) io.out(printer.format(r));
  return 0;
}

function parseSeed(raw: string | undefined, usage: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
    throw new FaultlineError('usage', '--seed must be an integer from 0 to 4294967295', usage);
  return n;
}

function printActivation(io: Io, r: ActivationReport): void {
  io.out(
    paint.yellow(io.s, `[faultline] chaos ${r.mode} (${r.title}) active in ${r.ms} ms, seed ${r.seed}`) +
      (r.replaced ? paint.dim(io.s, ` (replaced ${r.replaced})`) : ''),
  );
  for (const f of r.faults) io.out(paint.dim(io.s, `  - ${f.type}${f.target ? ` on ${f.target}` : ''}: ${f.summary}`));
}

async function cmdChaos(argv: string[], io: Io): Promise<number> {
  const usage = 'faultline chaos <mode|reset|status> [<dir>] [--state FILE] [--seed N] [--json]';
  const { values, positionals } = args(argv, { state: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' } }, usage);
  if (values.help) {
    io.out(usage);
    return 0;
  }
  const what = need(positionals[0], 'a chaos mode, "reset" or "status"', usage);
  const state = liveState(stateFileFrom(positionals[1], values.state, usage));
  const client = apiClient(controlApi, state.control.url, readToken(state), 120_000);
  if (what === 'status' || what === 'list') {
    const status = await client.chaosStatus(null);
    if (values.json) io.out(JSON.stringify(status, null, 2));
    else {
      io.out(
        status.active
          ? `active: ${status.active.mode} (${status.active.title}) since ${status.active.since}, seed ${status.active.seed}`
          : 'no chaos mode active',
      );
      for (const f of status.active?.faults ?? []) io.out(paint.dim(io.s, `  - ${f.type}${f.target ? ` on ${f.target}` : ''}`));
      io.out(
        table(
          [['MODE', 'TITLE', 'WHAT IT DOES'], ...status.modes.map((m) => [`${m.active ? '* ' : ''}${m.id}`, m.title, m.description])],
          io.s,
        ),
      );
    }
    return 0;
  }
  if (what === 'reset') {
    const r = await client.chaosReset({});
    if (values.json) io.out(JSON.stringify(r, null, 2));
    else {
      io.out(
        r.mode
          ? `reset ${r.mode} in ${r.ms} ms: ${r.reverted.length} fault(s) reverted`
          : `nothing was active; checked health in ${r.ms} ms`,
      );
      for (const f of r.failed) io.out(paint.red(io.s, `  could not revert ${f.type}${f.target ? ` on ${f.target}` : ''}: ${f.error}`));
      for (const h of r.health) io.out(`  ${h.ok ? paint.green(io.s, 'healthy') : paint.red(io.s, 'UNHEALTHY')} ${h.service}: ${h.detail}`);
    }
    return r.failed.length > 0 || r.health.some((h) => !h.ok) ? 1 : 0;
  }
  const report = await client.chaosActivate({
    mode: what,
    ...(values.seed !== undefined ? { seed: parseSeed(values.seed, usage) } : {}),
  });
  if (values.json) io.out(JSON.stringify(report, null, 2));
  else printActivation(io, report);
  return 0;
}

function controlFor(dir: string | undefined, stateFile: string | undefined, usage: string, timeoutMs = 60_000) {
  const state = liveState(stateFileFrom(dir, stateFile, usage));
  return { state, client: apiClient(controlApi, state.control.url, readToken(state), timeoutMs) };
}

async function cmdPhase(argv: string[], io: Io): Promise<number> {
  const usage = 'faultline phase [next|<phase>|status] [<dir>] [--state FILE] [--json]';
  const { values, positionals } = args(argv, { state: { type: 'string' }, json: { type: 'boolean' } }, usage);
  if (values.help) {
    io.out(usage);
    return 0;
  }
  const what = positionals[0] ?? 'status';
  const { client } = controlFor(positionals[1], values.state, usage);
  const status = what === 'status' ? await client.phase(null) : await client.phaseStart(what === 'next' ? {} : { phase: what });
  if (values.json) {
    io.out(JSON.stringify(status, null, 2));
    return 0;
  }
  const elapsed = status.startedAt ? Math.floor((Date.now() - Date.parse(status.startedAt)) / 60_000) : 0;
  io.out(`${paint.bold(io.s, status.current.title)} — ${elapsed} of ${status.durationMinutes} min`);
  for (const p of status.phases) {
    const mark = p.state === 'current' ? paint.green(io.s, '▶') : p.state === 'done' ? paint.dim(io.s, '✓') : ' ';
    const chaos = p.chaos.length ? paint.dim(io.s, ` chaos: ${p.chaos.join(', ')}`) : '';
    io.out(`  ${mark} ${p.id} — ${p.title} (${p.minutes} min)${chaos}`);
  }
  return 0;
}

async function cmdHint(argv: string[], io: Io): Promise<number> {
  const usage = 'faultline hint <ladder|list> [<dir>] [--state FILE] [--level mild|medium|strong] [--json]';
  const { values, positionals } = args(argv, { state: { type: 'string' }, level: { type: 'string' }, json: { type: 'boolean' } }, usage);
  if (values.help) {
    io.out(usage);
    return 0;
  }
  const what = need(positionals[0], 'a hint ladder or "list"', usage);
  const { client } = controlFor(positionals[1], values.state, usage);
  if (what === 'list') {
    const ladders = await client.hints(null);
    if (values.json) io.out(JSON.stringify(ladders, null, 2));
    else {
      for (const l of ladders) {
        io.out(
          `${paint.bold(io.s, l.id)} — ${l.title}${l.phase ? paint.dim(io.s, ` (phase ${l.phase})`) : ''}${l.chaos ? paint.dim(io.s, ` (${l.chaos})`) : ''}`,
        );
        for (const step of l.steps)
          io.out(`  ${step.sent ? paint.green(io.s, `sent ${step.at ?? ''}`) : paint.dim(io.s, 'not sent')} ${step.level}: ${step.text}`);
      }
    }
    return 0;
  }
  const level = values.level;
  if (level !== undefined && !['mild', 'medium', 'strong'].includes(level))
    throw new FaultlineError('usage', '--level must be mild, medium or strong', usage);
  const sent = await client.hintSend({ ladder: what, ...(level ? { level: level as 'mild' | 'medium' | 'strong' } : {}) });
  if (values.json) io.out(JSON.stringify(sent, null, 2));
  else io.out(`sent the ${sent.level} hint for "${sent.title}" (added to HINTS.md in the workspace):\n  ${sent.text}`);
  return 0;
}

async function writeScorecard(
  io: Io,
  client: ReturnType<typeof controlFor>['client'],
  values: { md?: string | undefined; html?: string | undefined; json?: boolean | undefined },
): Promise<void> {
  // With --json, stdout is for JSON only.
  const say = values.json ? io.err : io.out;
  if (!values.md && !values.html) return;
  const card = await client.scorecard({});
  if (values.md) {
    writeFileAtomic(path.resolve(values.md), renderMarkdown(card), 0o644);
    say(`wrote ${path.resolve(values.md)}`);
  }
  if (values.html) {
    writeFileAtomic(path.resolve(values.html), renderHtml(card), 0o644);
    say(`wrote ${path.resolve(values.html)}`);
  }
}

function printScore(io: Io, score: Score): void {
  for (const c of score.categories) {
    io.out(`${paint.bold(io.s, c.title)} ${c.earned} / ${c.max}`);
    for (const i of c.items) {
      const mark =
        i.status === 'passed' || i.status === 'scored'
          ? paint.green(io.s, '✓')
          : i.status === 'partial'
            ? paint.yellow(io.s, '~')
            : i.status === 'failed'
              ? paint.red(io.s, '✗')
              : paint.dim(io.s, '·');
      io.out(
        `  ${mark} ${i.title} ${paint.dim(io.s, `${i.earned}/${i.max}${i.status === 'unscored' ? ' (score it: faultline score ' + i.id + ' <points>)' : ''}`)}`,
      );
    }
  }
  io.out(
    paint.bold(io.s, `total ${score.total} / ${score.max}`) +
      (score.hintCost ? paint.dim(io.s, ` (${score.points} − ${score.hintCost} for hints)`) : '') +
      (score.rating ? ` — ${score.rating.rating}` : ''),
  );
}

async function cmdCheck(argv: string[], io: Io): Promise<number> {
  const usage = 'faultline check [<dir>] [--state FILE] [--stage S] [--only ID,ID] [--json] [--md FILE] [--html FILE]';
  const { values, positionals } = args(
    argv,
    {
      state: { type: 'string' },
      stage: { type: 'string' },
      only: { type: 'string' },
      json: { type: 'boolean' },
      md: { type: 'string' },
      html: { type: 'string' },
    },
    usage,
  );
  if (values.help) {
    io.out(usage);
    return 0;
  }
  const { client } = controlFor(positionals[0], values.state, usage);
  const only = values.only
    ?.split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  const result = await client.rubricRun({ ...(values.stage ? { stage: values.stage } : {}), ...(only ? { only } : {}) }, (e) => {
    // --json: one JSON event per line as the run goes, then one line with the result.
    if (values.json) return io.out(JSON.stringify(e));
    if (e.type === 'start') io.out(paint.dim(io.s, `running ${e.checks.length} hidden check(s)…`));
    if (e.type === 'check') {
      const r = e.result;
      const mark = r.status === 'passed' ? paint.green(io.s, '✓') : paint.red(io.s, r.status === 'timeout' ? '⏱' : '✗');
      io.out(`${mark} ${r.title} ${paint.dim(io.s, `(${r.id}, ${r.ms} ms)`)}`);
      if (r.status !== 'passed' && r.message) io.out(paint.dim(io.s, `    ${r.message.split('\n').slice(0, 3).join('\n    ')}`));
    }
  });
  if (values.json) io.out(JSON.stringify({ type: 'result', ...result }));
  else {
    if (result.aborted) io.out(paint.yellow(io.s, 'the run was cancelled'));
    printScore(io, result.score);
  }
  await writeScorecard(io, client, values);
  return 0;
}

async function cmdScorecard(argv: string[], io: Io): Promise<number> {
  const usage = 'faultline scorecard [<dir>] [--state FILE] [--json] [--md FILE] [--html FILE]';
  const { values, positionals } = args(
    argv,
    { state: { type: 'string' }, json: { type: 'boolean' }, md: { type: 'string' }, html: { type: 'string' } },
    usage,
  );
  if (values.help) {
    io.out(usage);
    return 0;
  }
  const { client } = controlFor(positionals[0], values.state, usage);
  if (values.json) io.out(JSON.stringify(await client.scorecard({}), null, 2));
  else if (!values.md && !values.html) printScore(io, await client.score(null));
  await writeScorecard(io, client, values);
  return 0;
}

async function cmdTimeline(argv: string[], io: Io): Promise<number> {
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
  for (const e of tail.read()) show(e);
  if (!values.follow) return 0;
  // Follow until the session stops (or Ctrl-C).
  await new Promise<void>((resolve) => {
    const watcher = fs.watch(file, () => {
      for (const e of tail.read()) {
        show(e);
        if (e.type === 'session.stop') done();
      }
    });
    const done = () => {
      watcher.close();
      process.off('SIGINT', done);
      resolve();
    };
    process.once('SIGINT', done);
  });
  return 0;
}

/** "1:02:03" / "2:03" for a duration in ms. */
function clockOf(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

async function cmdScore(argv: string[], io: Io): Promise<number> {
  const usage = 'faultline score <item> <points> [<dir>] [--state FILE] --note TEXT';
  const { values, positionals } = args(argv, { state: { type: 'string' }, note: { type: 'string' } }, usage);
  if (values.help) {
    io.out(usage);
    return 0;
  }
  const item = need(positionals[0], 'rubric item', usage);
  const points = Number(need(positionals[1], 'points', usage));
  if (!Number.isFinite(points) || points < 0) throw new FaultlineError('usage', 'points must be a number ≥ 0', usage);
  const { client } = controlFor(positionals[2], values.state, usage);
  const scored = await client.scoreManual({ item, points, ...(values.note !== undefined ? { note: values.note } : {}) });
  io.out(`${scored.title}: ${scored.earned} / ${scored.max}${scored.manual?.note ? ` — ${scored.manual.note}` : ''}`);
  return 0;
}

async function cmdInitExercise(install: Install, argv: string[], io: Io): Promise<number> {
  const usage = 'faultline init-exercise <dir> [--id ID] [--title TITLE]';
  const { values, positionals } = args(argv, { id: { type: 'string' }, title: { type: 'string' } }, usage);
  if (values.help) {
    io.out(usage);
    return 0;
  }
  const dir = path.resolve(need(positionals[0], 'folder for the new exercise', usage));
  const created = await initExercise({
    dir,
    install,
    ...(values.id ? { id: values.id } : {}),
    ...(values.title ? { title: values.title } : {}),
  });
  io.out(`${paint.green(io.s, 'created')} exercise ${path.basename(created.dir)} (${created.files.length} files) at ${created.dir}`);
  io.out(`next: FAULTLINE_EXERCISES=${path.dirname(created.dir)} faultline validate ${created.dir}`);
  return 0;
}

function cmdValidate(install: Install, argv: string[], io: Io): number {
  const usage = 'faultline validate [<exercise dir>...]';
  const { values, positionals } = args(argv, {}, usage);
  if (values.help) {
    io.out(usage);
    return 0;
  }
  const dirs =
    positionals.length > 0
      ? positionals.map((p) => path.resolve(p))
      : [install.workspacesDir, ...install.extraExerciseDirs].flatMap((root) =>
          fs
            .readdirSync(root, { withFileTypes: true })
            .filter((e) => e.isDirectory() && fs.existsSync(path.join(root, e.name, 'exercise.json')))
            .map((e) => path.join(root, e.name)),
        );
  let errors = 0;
  for (const dir of dirs) {
    const file = dir.endsWith('.json') ? dir : path.join(dir, 'exercise.json');
    const result = validateManifestFile(file);
    for (const p of result.problems) {
      if (p.severity === 'error') errors++;
      const line = formatProblem({ ...p, file: path.relative(process.cwd(), p.file) || p.file });
      io.out(p.severity === 'error' ? paint.red(io.s, line) : paint.yellow(io.s, line));
    }
    if (result.problems.length === 0) io.out(`${paint.green(io.s, 'ok')} ${path.relative(process.cwd(), file) || file}`);
  }
  return errors > 0 ? 1 : 0;
}

// --- entry ------------------------------------------------------------------------------------

export async function main(argv: string[], install: Install): Promise<number> {
  const io: Io = {
    out: (l) => process.stdout.write(l + '\n'),
    err: (l) => process.stderr.write(l + '\n'),
    s: style(detectColor(process.stdout)),
    errStyle: style(detectColor(process.stderr)),
  };
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'list':
        return cmdList(install, rest, io);
      case 'new':
        return await cmdNew(install, rest, io);
      case 'up':
        return await cmdUp(install, rest, io);
      case 'status':
        return await cmdStatus(rest, io);
      case 'portal':
        return cmdPortal(rest, io);
      case 'stop':
        return await cmdStop(rest, io);
      case 'restart':
        return await cmdRestart(rest, io);
      case 'logs':
        return await cmdLogs(rest, io);
      case 'chaos':
        return await cmdChaos(rest, io);
      case 'hint':
        return await cmdHint(rest, io);
      case 'phase':
        return await cmdPhase(rest, io);
      case 'open':
        return cmdOpen(rest, io);
      case 'check':
        return await cmdCheck(rest, io);
      case 'score':
        return await cmdScore(rest, io);
      case 'timeline':
        return await cmdTimeline(rest, io);
      case 'scorecard':
        return await cmdScorecard(rest, io);
      case 'validate':
        return cmdValidate(install, rest, io);
      case 'init-exercise':
        return await cmdInitExercise(install, rest, io);
      case '--version':
      case '-v':
        io.out(VERSION);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? 64 : 0;
      default:
        throw new FaultlineError('usage', `unknown command "${command}"`, 'run `faultline --help` for the list of commands');
    }
  } catch (err) {
    const e = err instanceof FaultlineError ? err : new FaultlineError('io', errorMessage(err));
    io.err(`${paint.red(io.errStyle, 'faultline: error:')} ${e.message}`);
    if (e.hint) io.err(`  ${paint.dim(io.errStyle, 'hint:')} ${e.hint}`);
    if (e.details) io.err(e.details.replace(/^/gm, '  | '));
    if (!(err instanceof FaultlineError) && err instanceof Error && process.env['FAULTLINE_DEBUG']) io.err(err.stack ?? '');
    return exitCodeFor(e.code);
  }
}

if (require.main === module) {
  const root = path.resolve(__dirname, '..');
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
  void main(process.argv.slice(2), installAt(root, VERSION)).then((code) => {
    process.exitCode = code;
  });
}
