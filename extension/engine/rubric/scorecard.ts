/**
 * The scorecard: JSON (everything), Markdown (for a ticket or an email) and one self-contained
 * HTML page (inline CSS, no scripts, no external assets) with the score per category, the
 * rating, every check with its evidence, manual scores with notes, hints with times, the session
 * timeline and the candidate's diff against the baseline.
 */
import { describeTestActivity, testActivity } from '../candidateTests';
import { str } from './score';
import type { ItemScore, Score, Scorecard, TimelineEvent } from '../model/interview';

/** One line per timeline event that matters to a reader (not every service restart detail). */
export function describeEvent(e: TimelineEvent): string | null {
  switch (e.type) {
    case 'session.start': {
      const sandboxes = Object.entries((e['sandbox'] ?? {}) as Record<string, { enforced?: boolean; detail?: string }>);
      const open = sandboxes.filter(([, r]) => r.enforced !== true);
      const sandbox =
        sandboxes.length === 0
          ? ''
          : open.length === 0
            ? ', candidate code sandboxed'
            : `, candidate code NOT sandboxed (${open.map(([s, r]) => `${s}: ${r.detail ?? '?'}`).join('; ')})`;
      const ai = e['aiAssistance'] === 'off' ? ', AI assistance off' : e['aiAssistance'] === 'allowed' ? ', AI assistance allowed' : '';
      return `Session started (${str(e['mode'] ?? 'interview')}${ai}${sandbox})`;
    }
    case 'sandbox':
      return `Sandbox of ${str(e['service'])} ${e['enforced'] ? 'enforced' : `NOT enforced: ${str(e['detail'])}`}`;
    case 'session.stop':
      return 'Session stopped';
    case 'chaos.activate':
      return `Chaos ${str(e['mode'])} activated (seed ${str(e['seed'])})`;
    case 'chaos.activate.failed':
      return `Chaos ${str(e['mode'])} could not be activated: ${str(e['error'])}`;
    case 'chaos.reset':
      return e['mode'] ? `Chaos ${str(e['mode'])} reset` : null;
    case 'chaos.recovered':
      return `Leftover chaos ${str(e['mode'])} from a crashed session reverted`;
    case 'phase.start':
      return `Phase started: ${str(e['title'])}`;
    case 'hint.sent':
      return `Hint sent: ${str(e['title'])} (${str(e['level'])})`;
    case 'score.manual':
      return `Scored ${str(e['item'])}: ${str(e['points'])} point(s)${e['note'] ? ` — ${str(e['note'])}` : ''}`;
    case 'rubric.start':
      return `Rubric run ${str(e['run'])} started${e['stage'] ? ` (stage ${str(e['stage'])})` : ''}`;
    case 'rubric.end':
      return `Rubric run ${str(e['run'])} ${e['aborted'] ? 'aborted' : 'finished'}: ${str(e['passed'])} passed, ${str(e['failed'])} failed`;
    case 'rubric.restore.failed':
      return `Rubric run ${str(e['run'])} could not put the databases back: ${(e['errors'] as unknown[] | undefined)?.map(str).join('; ') ?? '?'}`;
    case 'candidate.tests': {
      const counts =
        typeof e['passed'] === 'number' ? `${str(e['passed'])} passed, ${str(e['failed'] ?? 0)} failed` : `exit code ${str(e['exitCode'])}`;
      return `Candidate ran \`${str(e['command'])}\`: ${counts}`;
    }
    case 'candidate.diff':
      return `Candidate's change: ${str(e['files'])} file(s), +${str(e['added'])} −${str(e['removed'])} lines`;
    case 'service.crashed':
      return `Service crashed: ${str(e['summary'])}`;
    case 'service.restarted':
      return `Service ${str(e['service'])} restarted: ${str(e['reason'])}`;
    case 'service.unresponsive':
      return `Service ${str(e['service'])} stopped responding: ${str(e['detail'])}`;
    case 'service.responsive':
      return `Service ${str(e['service'])} responding again after ${(Number(e['afterMs']) / 1000).toFixed(1)} s`;
    case 'service.failed':
      return `Service ${str(e['service'])} gave up: ${str(e['reason'])}`;
    default:
      return null;
  }
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0+$/, '').replace(/\.$/, ''));
const json = (v: unknown) => JSON.stringify(v, null, 2) ?? 'undefined';

function statusWord(i: ItemScore): string {
  switch (i.status) {
    case 'passed':
      return '✅ passed';
    case 'partial':
      return '🟡 partial';
    case 'failed':
      return '❌ failed';
    case 'not-run':
      return '⚪ not run';
    case 'scored':
      return '✍️ scored';
    case 'unscored':
      return '⚪ not scored yet';
  }
}

/** What a hiring committee reads first: one line per fact, from the score and the timeline. */
export function summaryFacts(card: Scorecard): { label: string; value: string }[] {
  const s = card.score;
  const starts = card.timeline.filter((e) => e.type === 'session.start');
  const ai = starts.length > 0 ? starts[starts.length - 1]?.['aiAssistance'] : undefined;
  const chaos = [...new Set(card.timeline.filter((e) => e.type === 'chaos.activate').map((e) => str(e['mode'])))];
  const manual = s.categories.flatMap((c) => c.items).filter((i) => i.kind === 'manual');
  const unscored = manual.filter((i) => i.status === 'unscored').length;
  const checks = s.categories.flatMap((c) => c.items).flatMap((i) => i.checks);
  const passed = checks.filter((c) => c.status === 'passed').length;
  // Time the services ran: each session.start to its session.stop (or to the last event).
  let ranMs = 0;
  let since: number | undefined;
  for (const e of card.timeline) {
    if (e.type === 'session.start') since ??= Date.parse(e.t);
    if (e.type === 'session.stop' && since !== undefined) {
      ranMs += Date.parse(e.t) - since;
      since = undefined;
    }
  }
  const lastAt = card.timeline[card.timeline.length - 1]?.t;
  if (since !== undefined && lastAt) ranMs += Date.parse(lastAt) - since;
  const minutes = starts.length > 0 ? Math.round(ranMs / 60_000) : null;
  return [
    { label: 'Mode', value: s.mode === 'practice' ? 'practice (the candidate alone)' : 'interview' },
    {
      label: 'AI assistance',
      value: ai === 'off' ? 'off (editor AI chat and completions turned off)' : ai === 'allowed' ? 'allowed' : 'not recorded',
    },
    ...(minutes !== null
      ? [{ label: 'Session length', value: `${minutes} min${starts.length > 1 ? ` over ${starts.length} sessions` : ''}` }]
      : []),
    { label: 'Automatic checks', value: checks.length ? `${passed} of ${checks.length} passed` : 'not run' },
    {
      label: 'Manual items',
      value:
        manual.length === 0
          ? 'none'
          : unscored === 0
            ? `${manual.length} scored`
            : `${manual.length - unscored} of ${manual.length} scored`,
    },
    {
      label: 'Hints',
      value: s.hints.length === 0 ? 'none' : `${s.hints.length} (${s.hints.map((h) => `${h.title}: ${h.level}`).join('; ')})`,
    },
    { label: 'Chaos modes', value: chaos.length ? chaos.join(', ') : 'none' },
    {
      label: "Candidate's change",
      value: card.diff ? `+${card.diff.added} −${card.diff.removed} lines in ${card.diff.files.length} file(s)` : 'not measured',
    },
  ];
}

export function renderMarkdown(card: Scorecard): string {
  const s = card.score;
  const out: string[] = [];
  out.push(`# ${s.title} — scorecard`, '');
  out.push(
    `**${fmt(s.total)} / ${fmt(s.max)}**${s.rating ? ` — ${s.rating.rating}` : ''}${s.rating?.description ? ` (${s.rating.description})` : ''}`,
    '',
  );
  if (s.mode === 'practice') out.push(`Practice session: ${fmt(s.points)} points, minus ${fmt(s.hintCost)} for hints.`, '');
  out.push(
    `Generated ${card.generatedAt} for \`${card.workspace}\`; ${s.runs} rubric run(s)${s.lastRun ? `, last at ${s.lastRun}` : ''}.`,
    '',
  );
  out.push('## At a glance', '');
  for (const f of summaryFacts(card)) out.push(`- **${f.label}:** ${f.value}`);
  out.push('');
  out.push('| category | points |', '|---|---|');
  for (const c of s.categories) out.push(`| ${c.title} | ${fmt(c.earned)} / ${fmt(c.max)} |`);
  out.push('');
  for (const c of s.categories) {
    out.push(`## ${c.title} — ${fmt(c.earned)} / ${fmt(c.max)}`, '');
    for (const i of c.items) {
      out.push(`- **${i.title}** — ${fmt(i.earned)} / ${fmt(i.max)} ${statusWord(i)}`);
      if (i.manual?.note) out.push(`  - note: ${i.manual.note}`);
      if (i.kind === 'manual' && i.status === 'unscored' && i.criteria) out.push(`  - criteria: ${i.criteria}`);
      for (const c2 of i.checks) {
        const how = c2.reused ? '(reused: unchanged since the last full run)' : `in ${c2.ms} ms`;
        out.push(`  - check \`${c2.id}\` ${c2.status} ${how}${c2.message ? `: ${c2.message.split('\n')[0] ?? ''}` : ''}`);
      }
    }
    out.push('');
  }
  out.push('## Hints', '');
  if (s.hints.length === 0) out.push('No hints were used.', '');
  else {
    for (const h of s.hints) out.push(`- ${h.at} — ${h.title} (${h.level})${s.mode === 'practice' ? `, −${fmt(h.cost)}` : ''}`);
    out.push('');
  }
  out.push("## The candidate's tests", '', describeTestActivity(testActivity(card.timeline)), '');
  out.push('## Timeline', '');
  for (const e of card.timeline) {
    const line = describeEvent(e);
    if (line) out.push(`- ${e.t} — ${line}`);
  }
  out.push('');
  if (card.diff) {
    out.push(`## Changes since the baseline (+${card.diff.added} −${card.diff.removed})`, '');
    for (const f of card.diff.files) out.push(`- \`${f.path}\` +${f.added} −${f.removed}`);
    out.push('', '```diff', card.diff.patch.trimEnd(), '```', '');
  }
  return out.join('\n');
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function diffHtml(patch: string): string {
  return patch
    .split('\n')
    .map((l) => {
      const cls =
        l.startsWith('+++') || l.startsWith('---') || l.startsWith('diff ')
          ? 'h'
          : l.startsWith('+')
            ? 'a'
            : l.startsWith('-')
              ? 'r'
              : l.startsWith('@@')
                ? 'k'
                : '';
      return cls ? `<span class="${cls}">${esc(l)}</span>` : esc(l);
    })
    .join('\n');
}

export function renderHtml(card: Scorecard): string {
  const s = card.score;
  const pct = s.max > 0 ? Math.round((s.total / s.max) * 100) : 0;
  const items = (c: Score['categories'][number]) =>
    c.items
      .map((i) => {
        const checks = i.checks
          .map(
            (
              ch,
            ) => `<details class="check ${ch.status}"><summary><code>${esc(ch.id)}</code> ${esc(ch.title)} — <b>${ch.status}</b> ${ch.reused ? 'reused (unchanged since the last full run)' : `in ${ch.ms} ms`}</summary>
${ch.message ? `<pre>${esc(ch.message)}</pre>` : ''}
${'expected' in ch ? `<div class="ea"><div><h5>expected</h5><pre>${esc(json(ch.expected))}</pre></div><div><h5>actual</h5><pre>${esc(json(ch.actual))}</pre></div></div>` : ''}
${ch.logs.length ? `<h5>check log</h5><pre>${esc(ch.logs.join('\n'))}</pre>` : ''}
${ch.serviceLogs?.length ? `<h5>service logs meanwhile</h5><pre>${esc(ch.serviceLogs.join('\n'))}</pre>` : ''}
<p class="muted">run at ${esc(ch.at)}</p></details>`,
          )
          .join('\n');
        const manual = i.manual
          ? `<p class="note">${esc(i.manual.note || '(no note)')} <span class="muted">— ${esc(i.manual.at)}</span></p>`
          : '';
        const criteria = i.kind === 'manual' && i.criteria ? `<p class="muted">${esc(i.criteria)}</p>` : '';
        return `<tr class="${i.status}"><td>${esc(i.title)}${i.stage ? ` <span class="tag">${esc(i.stage)}</span>` : ''}${criteria}${manual}${checks}</td><td class="num">${fmt(i.earned)} / ${fmt(i.max)}</td><td>${esc(statusWord(i))}</td></tr>`;
      })
      .join('\n');
  const timeline = card.timeline
    .map((e) => {
      const line = describeEvent(e);
      return line ? `<li><span class="muted">${esc(e.t.replace('T', ' ').replace(/\.\d+Z$/, 'Z'))}</span> ${esc(line)}</li>` : '';
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light dark">
<title>${esc(s.title)} — scorecard</title>
<style>
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;margin:0;color:#1b1f24;background:#f6f8fa}
main{max-width:1000px;margin:0 auto;padding:24px}
header{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:20px;display:flex;gap:24px;align-items:center}
.big{font-size:42px;font-weight:700}.rating{font-size:22px;font-weight:600}
.bar{height:10px;background:#eaeef2;border-radius:5px;overflow:hidden;min-width:220px}.bar>i{display:block;height:100%;background:#2da44e}
section{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:16px 20px;margin-top:16px}
table{width:100%;border-collapse:collapse}td,th{border-top:1px solid #eaeef2;padding:8px;vertical-align:top;text-align:left}
.num{white-space:nowrap;text-align:right}tr.failed td:last-child,.check.failed summary b,.check.error summary b,.check.timeout summary b{color:#cf222e}
tr.passed td:last-child,.check.passed summary b{color:#1a7f37}
pre{background:#f6f8fa;border:1px solid #eaeef2;border-radius:6px;padding:8px;overflow:auto;font-size:12.5px;white-space:pre-wrap}
.ea{display:grid;grid-template-columns:1fr 1fr;gap:8px}h5{margin:8px 0 2px;font-size:12px;text-transform:uppercase;color:#57606a}
.muted{color:#57606a;font-size:13px}.note{background:#fff8c5;padding:6px 8px;border-radius:6px}.tag{font-size:11px;background:#ddf4ff;border-radius:10px;padding:1px 7px}
details.check{margin:6px 0}summary{cursor:pointer}
.diff .a{color:#1a7f37;background:#e6ffec;display:block}.diff .r{color:#cf222e;background:#ffebe9;display:block}.diff .h{font-weight:600;display:block}.diff .k{color:#8250df;display:block}
ul.timeline{padding-left:18px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}dl.facts dt{color:#57606a}dl.facts dd{margin:0}
@media (prefers-color-scheme:dark){
body{color:#e6edf3;background:#0d1117}header,section{background:#161b22;border-color:#30363d}
td,th{border-top-color:#21262d}.bar{background:#21262d}pre{background:#0d1117;border-color:#30363d}
.muted,h5,dl.facts dt{color:#8b949e}.note{background:#3b2e00}.tag{background:#0c2d6b}
tr.failed td:last-child,.check.failed summary b,.check.error summary b,.check.timeout summary b{color:#ff7b72}
tr.passed td:last-child,.check.passed summary b{color:#3fb950}
.diff .a{color:#3fb950;background:#04260f}.diff .r{color:#ff7b72;background:#490202}.diff .k{color:#d2a8ff}}
</style></head>
<body><main>
<header><div><div class="muted">${esc(s.title)} · ${s.mode === 'practice' ? 'practice' : 'interview'}</div><div class="big">${fmt(s.total)} <span class="muted">/ ${fmt(s.max)}</span></div>
<div class="bar"><i style="width:${pct}%"></i></div></div>
<div><div class="rating">${esc(s.rating?.rating ?? 'Not rated')}</div><div class="muted">${esc(s.rating?.description ?? '')}</div>
${s.mode === 'practice' ? `<div class="muted">${fmt(s.points)} points − ${fmt(s.hintCost)} for hints</div>` : ''}
<div class="muted">${s.runs} rubric run(s)${s.lastRun ? `, last ${esc(s.lastRun)}` : ''} · generated ${esc(card.generatedAt)}</div></div></header>
<section class="summary"><h2>At a glance</h2><dl class="facts">${summaryFacts(card)
    .map((f) => `<dt>${esc(f.label)}</dt><dd>${esc(f.value)}</dd>`)
    .join('')}</dl></section>
<section><h2>Score by category</h2><table>${s.categories.map((c) => `<tr><td>${esc(c.title)}</td><td class="num">${fmt(c.earned)} / ${fmt(c.max)}</td></tr>`).join('')}</table></section>
${s.categories.map((c) => `<section><h2>${esc(c.title)} <span class="muted">${fmt(c.earned)} / ${fmt(c.max)}</span></h2><table>${items(c)}</table></section>`).join('\n')}
<section><h2>Hints used</h2>${s.hints.length === 0 ? '<p class="muted">No hints were used.</p>' : `<ul>${s.hints.map((h) => `<li><span class="muted">${esc(h.at)}</span> <b>${esc(h.title)}</b> (${esc(h.level)})${s.mode === 'practice' ? ` −${fmt(h.cost)}` : ''}<br>${esc(h.text)}</li>`).join('')}</ul>`}</section>
<section><h2>The candidate's tests</h2><p>${esc(describeTestActivity(testActivity(card.timeline)))}</p></section>
<section><h2>Timeline</h2><ul class="timeline">${timeline}</ul></section>
${
  card.diff
    ? `<section><h2>Changes since the baseline <span class="muted">+${card.diff.added} −${card.diff.removed} in ${card.diff.files.length} file(s)</span></h2>
<ul>${card.diff.files.map((f) => `<li><code>${esc(f.path)}</code> <span class="muted">+${f.added} −${f.removed}</span></li>`).join('')}</ul>
<pre class="diff">${diffHtml(card.diff.patch)}</pre>${card.diff.truncated ? '<p class="muted">(truncated)</p>' : ''}</section>`
    : ''
}
</main></body></html>
`;
}
