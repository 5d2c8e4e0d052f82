/** Exercises and candidate workspaces: `list`, `new`, `open`, `portal`. */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { requestAutostart } from '../../engine/autostart';
import { findExercise, loadCatalog } from '../../engine/catalog';
import { parseAiAssistance } from '../../engine/aiPolicy';
import { FaultlineError } from '../../engine/errors';
import type { Install } from '../../engine/install';
import { formatProblem } from '../../engine/manifest/validate';
import type { SessionState } from '../../engine/session';
import { majorOf, pathNodeVersion, resolveRuntime } from '../../engine/runtime';
import { createWorkspace, readMarker } from '../../engine/workspace';
import { paint, table } from '../ui';
import { type Io, args, need, stateFileFrom, liveState, onPath, openInBrowser } from '../common';

export function cmdList(install: Install, argv: string[], io: Io): number {
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

export async function cmdNew(install: Install, argv: string[], io: Io): Promise<number> {
  const usage = 'faultline new <exercise> <dir> [--solution NAME] [--ai allowed|off] [--autostart interview|practice]';
  const { values, positionals } = args(
    argv,
    { solution: { type: 'string' }, ai: { type: 'string' }, autostart: { type: 'string' } },
    usage,
  );
  const aiAssistance = values.ai === undefined ? undefined : parseAiAssistance(values.ai, '--ai');
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
  const exercise = findExercise(install, id);
  const started = Date.now();
  const created = await createWorkspace({
    install,
    exercise,
    dir,
    solution: values.solution,
    aiAssistance,
    onProgress: (m) => io.out(paint.dim(io.s, `  ${m}`)),
  });
  io.out(
    `${paint.green(io.s, 'created')} ${exercise.manifest.title} workspace at ${created.dir}` +
      `${values.solution ? ` with the ${values.solution} solution` : ''} in ${Date.now() - started} ms` +
      ` (${created.packages} packages, baseline ${created.marker.baseline.slice(0, 8)})`,
  );
  io.out(
    created.marker.aiAssistance === 'off'
      ? `AI assistance: off (the workspace's .vscode/settings.json turns off the editor's AI chat and completions)`
      : 'AI assistance: allowed',
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

/** Hand a workspace to VS Code: the Faultline extension there starts its services (interview or practice). */
export function cmdOpen(argv: string[], io: Io): number {
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

export function cmdPortal(argv: string[], io: Io): number {
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
