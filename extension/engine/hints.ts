/**
 * Hint ladders (mild → medium → strong) from the manifest. Sending a hint records it on the
 * timeline (the source of truth for scorecards and practice costs) and appends it to HINTS.md
 * in the candidate workspace, which candidate-facing surfaces show.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FaultlineError } from './errors';
import type { Exercise } from './manifest/schema';
import { renderTemplate } from './manifest/templates';
import type { Timeline } from './timeline';
import type { HintUse, LadderStatus, TimelineEvent } from './model/interview';

export const HINTS_FILE = 'HINTS.md';

export function hintStatus(exercise: Exercise, events: readonly TimelineEvent[]): LadderStatus[] {
  const sent = new Map<string, string>();
  for (const e of events) if (e.type === 'hint.sent') sent.set(`${String(e['ladder'])}/${String(e['level'])}`, e.t);
  return exercise.hints.map((h) => ({
    id: h.id,
    title: h.title,
    ...(h.phase ? { phase: h.phase } : {}),
    ...(h.chaos ? { chaos: h.chaos } : {}),
    steps: h.ladder.map((s) => {
      const at = sent.get(`${h.id}/${s.level}`);
      return { level: s.level, text: s.text, cost: s.cost ?? 0, sent: at !== undefined, ...(at ? { at } : {}) };
    }),
  }));
}

/** Send the next unsent step of a ladder (or a given level). */
export function sendHint(opts: {
  exercise: Exercise;
  workspace: string;
  timeline: Timeline;
  ladder: string;
  level?: string | undefined;
  /** Public (candidate-facing) addresses of the services, for `${services.<name>.url}` in hint texts. */
  services?: ReadonlyMap<string, { url: string; port: number; urls: string[] }>;
}): HintUse {
  const ladder = opts.exercise.hints.find((h) => h.id === opts.ladder);
  if (!ladder) {
    const known = opts.exercise.hints.map((h) => h.id);
    throw new FaultlineError(
      'usage',
      `unknown hint ladder "${opts.ladder}"`,
      known.length ? `hint ladders: ${known.join(', ')}` : `${opts.exercise.id} has no hints`,
    );
  }
  const status = hintStatus(opts.exercise, opts.timeline.read()).find((l) => l.id === ladder.id);
  const step = opts.level !== undefined ? status?.steps.find((s) => s.level === opts.level) : status?.steps.find((s) => !s.sent);
  if (!step) {
    throw new FaultlineError(
      'usage',
      opts.level !== undefined ? `ladder "${ladder.id}" has no ${opts.level} hint` : `every hint of "${ladder.id}" was sent already`,
      `levels: ${ladder.ladder.map((s) => s.level).join(', ')}`,
    );
  }
  // Templates as the candidate sees the world: public addresses, their own workspace; never the session folder.
  let text = step.text;
  try {
    text = renderTemplate(step.text, {
      workspace: opts.workspace,
      session: '',
      exercise: opts.exercise.id,
      services: opts.services ?? new Map(),
    });
  } catch {
    // a service that is not running: the text as written
  }
  const event = opts.timeline.append('hint.sent', {
    ladder: ladder.id,
    title: ladder.title,
    level: step.level,
    text,
    cost: step.cost,
  });
  const file = path.join(opts.workspace, HINTS_FILE);
  const header = fs.existsSync(file) ? '' : '# Hints\n\nHints from your interviewer, newest last.\n';
  const time = new Date(event.t).toISOString().slice(11, 16);
  fs.appendFileSync(file, `${header}\n## ${ladder.title} — ${step.level} (${time} UTC)\n\n${text}\n`);
  return { ladder: ladder.id, title: ladder.title, level: step.level, text, at: event.t, cost: step.cost };
}
