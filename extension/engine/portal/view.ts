/**
 * THE SECURITY BOUNDARY OF THE CANDIDATE PORTAL.
 *
 * `buildPortalView` is the one function that decides what the candidate portal shows. The
 * portal is reachable by the candidate (and, shared over Live Share, from their machine), so
 * everything it serves comes from here, and everything here is copied field by field from an
 * explicit whitelist — never by spreading or forwarding an object:
 *
 * - exercise: id, title, summary (what the picker shows anyway);
 * - brief: the candidate's own `<workspace>/<exercise.brief>` file, read at request time, only if
 *   it resolves (symlinks included) to a regular file inside the workspace — a candidate who can
 *   edit the workspace over Live Share cannot point it at the interviewer's files;
 * - services: name, title, the public address (through the fault proxy) and up/starting/down;
 *   never instance or edge addresses, pids, database paths, the control API or the proxy admin;
 * - hints: only `hint.sent` events of the timeline (title, level, text, time) — unsent hints,
 *   ladder ids and costs never leave the engine;
 * - clock: start, end, duration and the current phase's title and position — never phase goals
 *   or evaluation notes;
 * - mode and the server time;
 * - logs (`candidateLogLine`): what the exercise's services printed on stdout/stderr — the
 *   candidate's own program output — never Faultline's lines (supervisor, chaos, fault proxy,
 *   database agent), which name faults and modes.
 *
 * The result matches `PortalViewSchema` exactly (closed objects; a test checks it). Not here by
 * design: the interviewer guide, rubric, hidden checks, solutions, chaos modes (their
 * candidate-safe parts are served by the exercise's own /scenario endpoints).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Exercise } from '../manifest/schema';
import { phaseStatus } from '../phases';
import type { PortalHint, PortalLogLine, PortalService, PortalView } from '../model/portal';
import { renderMarkdown } from './markdown';
import type { ServiceStatus, LogRecord } from '../model/services';
import type { TimelineEvent } from '../model/interview';

/** Larger briefs are cut (a brief is a README, not a data file). */
export const MAX_BRIEF_BYTES = 512 * 1024;

export interface PortalInput {
  exercise: Exercise;
  workspace: string;
  events: readonly TimelineEvent[];
  services: readonly ServiceStatus[];
  mode: 'interview' | 'practice';
  now?: Date;
}

export interface Brief {
  path: string;
  markdown: string;
  missing: boolean;
}

/**
 * The candidate's brief. Errors never surface as paths or messages of the host: a missing,
 * unreadable or out-of-workspace brief is a placeholder naming only the relative path.
 */
export function readBrief(workspace: string, relative: string): Brief {
  const shown = relative.split(path.sep).join('/');
  const placeholder = (why: string): Brief => ({
    path: shown,
    markdown: `_The brief (\`${shown}\`) ${why}. Ask your interviewer for the task._`,
    missing: true,
  });
  try {
    const root = fs.realpathSync(workspace);
    const file = fs.realpathSync(path.resolve(root, relative));
    if (!file.startsWith(root + path.sep)) return placeholder('is not inside the workspace');
    const fd = fs.openSync(file, 'r');
    try {
      const stat = fs.fstatSync(fd);
      if (!stat.isFile()) return placeholder('is not a file');
      const buffer = Buffer.alloc(Math.min(stat.size, MAX_BRIEF_BYTES));
      const read = fs.readSync(fd, buffer, 0, buffer.length, 0);
      const text = buffer.subarray(0, read).toString('utf8');
      return {
        path: shown,
        markdown: stat.size > MAX_BRIEF_BYTES ? `${text}\n\n_(cut at ${MAX_BRIEF_BYTES} bytes)_` : text,
        missing: false,
      };
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return placeholder('is missing from the workspace');
  }
}

function serviceState(s: ServiceStatus): PortalService['state'] {
  if (s.instances.some((i) => i.state === 'healthy' && i.unresponsive)) return 'stuck';
  if (s.instances.length > 0 && s.instances.every((i) => i.state === 'healthy')) return 'up';
  if (s.instances.some((i) => i.state === 'starting' || i.state === 'backoff' || i.state === 'crashed')) return 'starting';
  return 'down';
}

/** The hints the candidate received, oldest first (from `hint.sent` timeline events only). */
export function sentHints(events: readonly TimelineEvent[]): PortalHint[] {
  return events.filter((e) => e.type === 'hint.sent').map((e) => portalHint(e));
}

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** One `hint.sent` event as the candidate sees it. */
export function portalHint(event: TimelineEvent): PortalHint {
  const text = str(event['text']);
  return {
    title: str(event['title']),
    level: str(event['level']),
    text,
    html: renderMarkdown(text),
    at: event.t,
  };
}

export function buildPortalView(input: PortalInput): PortalView {
  const { exercise } = input;
  const brief = readBrief(input.workspace, exercise.brief);
  const phases = phaseStatus(exercise, input.events);
  return {
    exercise: { id: exercise.id, title: exercise.title, summary: exercise.summary },
    brief: { path: brief.path, markdown: brief.markdown, html: renderMarkdown(brief.markdown), missing: brief.missing },
    services: input.services.map((s) => ({ name: s.name, title: s.title, url: s.url, state: serviceState(s) })),
    hints: sentHints(input.events),
    clock: {
      startedAt: phases.startedAt,
      endsAt: phases.endsAt,
      durationMinutes: phases.durationMinutes,
      phase: { title: phases.current.title, index: phases.phases.indexOf(phases.current), count: phases.phases.length },
    },
    mode: input.mode,
    now: (input.now ?? new Date()).toISOString(),
  };
}

/**
 * A log line as the candidate may see it: only output the exercise's own services printed
 * (stdout/stderr), copied field by field; null for anything else.
 */
export function candidateLogLine(record: LogRecord, services: ReadonlySet<string>): PortalLogLine | null {
  if (record.stream !== 'stdout' && record.stream !== 'stderr') return null;
  if (!services.has(record.service)) return null;
  return { t: record.time, service: record.service, level: record.level, text: record.message };
}
