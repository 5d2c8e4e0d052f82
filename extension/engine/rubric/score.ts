/**
 * Scores are derived, never stored: the rubric (manifest) folded over the session timeline —
 * the latest result of each check, the latest manual score of each item, the hints sent. So a
 * crash can lose nothing that was recorded, and a scorecard can be rebuilt at any time.
 */
import { FaultlineError } from '../errors';
import type { Exercise } from '../manifest/schema';
import type { CategoryScore, CheckEvidence, CheckResult, HintUse, ItemScore, Score, TimelineEvent } from '../model/interview';

/** A timeline field as text (objects as JSON). */
export function str(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

const round = (n: number) => Math.round(n * 100) / 100;

export function computeScore(exercise: Exercise, events: readonly TimelineEvent[]): Score {
  const latestCheck = new Map<string, CheckEvidence>();
  const manual = new Map<string, { points: number; note: string; at: string }>();
  const hints: HintUse[] = [];
  let mode: Score['mode'] = 'interview';
  let runs = 0;
  let lastRun: string | null = null;
  for (const e of events) {
    if (e.type === 'session.start' && e['mode'] === 'practice') mode = 'practice';
    // A check that did not run (its run was cancelled) never replaces an earlier result.
    if (e.type === 'rubric.check' && e['status'] !== 'not-run')
      latestCheck.set(str(e['id']), { ...(e as unknown as CheckResult), at: e.t, weight: 1 });
    if (e.type === 'rubric.end') {
      runs++;
      lastRun = e.t;
    }
    if (e.type === 'score.manual') manual.set(str(e['item']), { points: Number(e['points']), note: str(e['note'] ?? ''), at: e.t });
    if (e.type === 'hint.sent') {
      hints.push({
        ladder: str(e['ladder']),
        title: str(e['title']),
        level: str(e['level']),
        text: str(e['text']),
        at: e.t,
        cost: Number(e['cost'] ?? 0),
      });
    }
  }
  const rubric = exercise.rubric;
  const categories: CategoryScore[] = (rubric?.categories ?? []).map((c) => {
    const items = c.items.map<ItemScore>((item) => {
      const base = { id: item.id, title: item.title, kind: item.kind, max: item.points, ...(item.stage ? { stage: item.stage } : {}) };
      if (item.kind === 'manual') {
        const m = manual.get(item.id);
        return {
          ...base,
          earned: m ? Math.min(m.points, item.points) : 0,
          status: m ? 'scored' : 'unscored',
          checks: [],
          ...(item.criteria ? { criteria: item.criteria } : {}),
          ...(item.signals ? { signals: item.signals } : {}),
          ...(m ? { manual: m } : {}),
        };
      }
      const refs = item.checks ?? (item.check ? [{ check: item.check, weight: 1 }] : []);
      const totalWeight = refs.reduce((n, r) => n + (r.weight ?? 1), 0) || 1;
      const checks = refs.flatMap((r) => {
        const ev = latestCheck.get(r.check);
        return ev ? [{ ...ev, weight: r.weight ?? 1 }] : [];
      });
      const passedWeight = checks.filter((c) => c.status === 'passed').reduce((n, c) => n + c.weight, 0);
      const earned = round((item.points * passedWeight) / totalWeight);
      const status: ItemScore['status'] =
        checks.length === 0 ? 'not-run' : passedWeight === totalWeight ? 'passed' : passedWeight > 0 ? 'partial' : 'failed';
      return { ...base, earned, status, checks };
    });
    return { id: c.id, title: c.title, max: c.points, earned: round(items.reduce((n, i) => n + i.earned, 0)), items };
  });
  const points = round(categories.reduce((n, c) => n + c.earned, 0));
  const hintCost = mode === 'practice' ? round(hints.reduce((n, h) => n + h.cost, 0)) : 0;
  const total = round(Math.max(0, points - hintCost));
  const band = rubric?.scale.find((b) => total >= b.min && total <= b.max) ?? null;
  return {
    exercise: exercise.id,
    title: exercise.title,
    mode,
    max: rubric?.total ?? 0,
    points,
    hintCost,
    total,
    rating: band ? { rating: band.rating, ...(band.description ? { description: band.description } : {}) } : null,
    categories,
    hints,
    runs,
    lastRun,
  };
}

/**
 * The rule for scoring a manual item by hand: the item exists, is manual, and `points` is within
 * its maximum. Throws a usage error that names the manual items otherwise.
 */
export function checkManualScore(exercise: Exercise, item: string, points: number): void {
  const items = exercise.rubric?.categories.flatMap((c) => c.items) ?? [];
  const found = items.find((i) => i.id === item);
  const manual = items.filter((i) => i.kind === 'manual');
  if (!found || found.kind !== 'manual') {
    throw new FaultlineError(
      'usage',
      found ? `"${item}" is scored by hidden checks, not by hand` : `no rubric item "${item}"`,
      manual.length ? `manual items: ${manual.map((i) => `${i.id} (max ${i.points})`).join(', ')}` : 'this rubric has no manual items',
    );
  }
  if (points < 0 || points > found.points)
    throw new FaultlineError('usage', `"${item}" is worth at most ${found.points} point(s), not ${points}`);
}

/** One item's current score (after a manual score was recorded, say). */
export function itemScore(score: Score, item: string): ItemScore {
  const found = score.categories.flatMap((c) => c.items).find((i) => i.id === item);
  if (!found) throw new FaultlineError('usage', `no rubric item "${item}"`);
  return found;
}

/**
 * A rubric run's time, labelled: the wall time beside the sum of the checks' own times, which is
 * larger when checks run side by side (what the Testing view adds up per category is the latter).
 */
export function describeRunTime(wallMs: number, results: readonly { ms: number; reused?: boolean | undefined }[]): string {
  const ran = results.filter((r) => !r.reused);
  const reused = results.length - ran.length;
  const sum = ran.reduce((n, r) => n + r.ms, 0);
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const own = ran.length === 1 ? `the check's own time is ${s(sum)}` : `the ${ran.length} checks' own times add up to ${s(sum)}`;
  return (
    `wall time ${s(wallMs)}; ${own}` + (sum > wallMs * 1.1 ? ' (checks ran side by side)' : '') + (reused > 0 ? `; ${reused} reused` : '')
  );
}
