/** Driving an interview: `chaos`, `phase`, `hint`, `check`, `score`, `scorecard`. */
import * as path from 'node:path';
import { FaultlineError } from '../../engine/errors';
import { renderHtml, renderMarkdown } from '../../engine/rubric/scorecard';
import { writeFileAtomic } from '../../engine/session';
import { paint, table } from '../ui';
import { type Io, args, need, controlFor, parseSeed, printActivation } from '../common';
import type { CheckResult, Score } from '../../engine/model/interview';
import { describeRunTime } from '../../engine/rubric/score';

export async function cmdChaos(argv: string[], io: Io): Promise<number> {
  const usage = 'faultline chaos <mode|reset|status> [<dir>] [--state FILE] [--seed N] [--json]';
  const { values, positionals } = args(argv, { state: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' } }, usage);
  if (values.help) {
    io.out(usage);
    return 0;
  }
  const what = need(positionals[0], 'a chaos mode, "reset" or "status"', usage);
  const { client } = controlFor(positionals[1], values.state, usage, 120_000);
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

export async function cmdPhase(argv: string[], io: Io): Promise<number> {
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

export async function cmdHint(argv: string[], io: Io): Promise<number> {
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

export async function writeScorecard(
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

export function printScore(io: Io, score: Score): void {
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

export async function cmdCheck(argv: string[], io: Io): Promise<number> {
  const usage = 'faultline check [<dir>] [--state FILE] [--stage S] [--only ID,ID] [--changed] [--json] [--md FILE] [--html FILE]';
  const { values, positionals } = args(
    argv,
    {
      state: { type: 'string' },
      stage: { type: 'string' },
      only: { type: 'string' },
      changed: { type: 'boolean' },
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
  const request = {
    ...(values.stage ? { stage: values.stage } : {}),
    ...(only ? { only } : {}),
    ...(values.changed ? { changed: true } : {}),
  };
  const started = performance.now();
  const results: CheckResult[] = [];
  const result = await client.rubricRun(request, (e) => {
    if (e.type === 'check') results.push(e.result);
    // --json: one JSON event per line as the run goes, then one line with the result.
    if (values.json) return io.out(JSON.stringify(e));
    if (e.type === 'start') io.out(paint.dim(io.s, `running ${e.checks.length} hidden check(s)…`));
    if (e.type === 'check') {
      const r = e.result;
      const mark =
        r.status === 'passed'
          ? paint.green(io.s, '✓')
          : r.status === 'not-run'
            ? paint.dim(io.s, '–')
            : paint.red(io.s, r.status === 'timeout' ? '⏱' : '✗');
      io.out(
        `${mark} ${r.title} ${paint.dim(io.s, r.reused ? `(${r.id}, reused: unchanged since the last full run)` : `(${r.id}, ${r.ms} ms)`)}`,
      );
      if (r.status !== 'passed' && r.message) io.out(paint.dim(io.s, `    ${r.message.split('\n').slice(0, 3).join('\n    ')}`));
    }
  });
  if (values.json) io.out(JSON.stringify({ type: 'result', ...result }));
  else {
    if (result.aborted) io.out(paint.yellow(io.s, 'the run was cancelled'));
    printScore(io, result.score);
    io.out(paint.dim(io.s, describeRunTime(performance.now() - started, results)));
  }
  await writeScorecard(io, client, values);
  return 0;
}

export async function cmdScorecard(argv: string[], io: Io): Promise<number> {
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

export async function cmdScore(argv: string[], io: Io): Promise<number> {
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
