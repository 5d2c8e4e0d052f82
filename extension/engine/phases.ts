/**
 * The interview clock and its phases, derived from the timeline (so they survive a restart of the
 * session or of VS Code): the clock starts at the first `session.start`, the first phase with it;
 * `phase.start` events move to another phase. In practice mode a chaos mode that belongs to a later
 * phase stays locked until that phase starts.
 */
import { FaultlineError } from './errors';
import type { Exercise } from './manifest/schema';
import type { Timeline } from './timeline';
import type { TimelineEvent } from './model/interview';
import type { PhaseInfo, PhaseStatus } from './model/interview';

export function phaseStatus(exercise: Exercise, events: readonly TimelineEvent[]): PhaseStatus {
  const start = events.find((e) => e.type === 'session.start');
  let currentId = exercise.phases[0]?.id;
  const startedAt = new Map<string, string>();
  if (start && currentId) startedAt.set(currentId, start.t);
  for (const e of events) {
    if (e.type !== 'phase.start') continue;
    const id = String(e['phase']);
    if (!exercise.phases.some((p) => p.id === id)) continue;
    currentId = id;
    startedAt.set(id, e.t);
  }
  const currentIndex = Math.max(
    0,
    exercise.phases.findIndex((p) => p.id === currentId),
  );
  const phases: PhaseInfo[] = exercise.phases.map((p, i) => ({
    id: p.id,
    title: p.title,
    minutes: p.minutes,
    chaos: p.chaos ?? [],
    state: i < currentIndex ? 'done' : i === currentIndex ? 'current' : 'upcoming',
    startedAt: startedAt.get(p.id) ?? null,
  }));
  const current = phases[currentIndex];
  if (!current) throw new FaultlineError('invalid-manifest', `${exercise.id} has no phases`);
  const endsAt = start ? new Date(Date.parse(start.t) + exercise.durationMinutes * 60_000).toISOString() : null;
  return { startedAt: start?.t ?? null, durationMinutes: exercise.durationMinutes, endsAt, current, phases };
}

/** Start a phase (by id, or the next one) and record it on the timeline. */
export function startPhase(exercise: Exercise, timeline: Timeline, phase?: string): PhaseStatus {
  const status = phaseStatus(exercise, timeline.read());
  let target: PhaseInfo | undefined;
  if (phase === undefined) {
    target = status.phases[status.phases.indexOf(status.current) + 1];
    if (!target) throw new FaultlineError('usage', `"${status.current.title}" is the last phase`);
  } else {
    target = status.phases.find((p) => p.id === phase);
    if (!target) {
      throw new FaultlineError('usage', `unknown phase "${phase}"`, `phases: ${status.phases.map((p) => p.id).join(', ')}`);
    }
  }
  timeline.append('phase.start', { phase: target.id, title: target.title });
  return phaseStatus(exercise, timeline.read());
}

/**
 * Practice mode unlocks chaos modes phase by phase: a mode listed by a phase after the current one
 * is locked (modes no phase lists are always available). Returns why a mode is locked, or null.
 */
export function chaosLock(status: PhaseStatus, mode: string): string | null {
  const owner = status.phases.find((p) => p.chaos.includes(mode));
  if (!owner || owner.state !== 'upcoming') return null;
  return `chaos mode "${mode}" unlocks in phase "${owner.title}" (now: "${status.current.title}")`;
}

/** Practice: activating a locked mode is refused with what to do instead. */
export function requireUnlocked(status: PhaseStatus, mode: string): void {
  const locked = chaosLock(status, mode);
  if (locked)
    throw new FaultlineError(
      'usage',
      locked,
      'start its phase first: Faultline: Start Next Phase in VS Code, `faultline phase next` in a terminal',
    );
}
