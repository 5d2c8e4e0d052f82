/**
 * The candidate's change since the baseline commit, including files they created but did not
 * commit — through a throwaway git index, so the candidate's own index is never touched.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { git } from './git';
import { HINTS_FILE } from './hints';
import { BASELINE_TAG } from './workspace';
import type { CandidateDiff } from './model/interview';

const MAX_PATCH = 400_000;

export async function candidateDiff(workspace: string, baseline: string = BASELINE_TAG): Promise<CandidateDiff> {
  return withCandidateTree(workspace, baseline, async (diff) => {
    const files = parseNumstat(await diff('--numstat'));
    let patch = await diff('--no-color');
    const truncated = patch.length > MAX_PATCH;
    if (truncated) patch = patch.slice(0, MAX_PATCH);
    return { baseline, files, ...totals(files), patch, truncated };
  });
}

/** The size of the change only (no patch): what the timeline samples. */
export function candidateDiffSize(workspace: string, baseline: string = BASELINE_TAG): Promise<DiffSize> {
  return withCandidateTree(workspace, baseline, async (diff) => {
    const files = parseNumstat(await diff('--numstat'));
    return { files: files.length, ...totals(files) };
  });
}

/**
 * Stage the whole workspace into a throwaway index (the candidate's own index is never touched)
 * and hand out a `git diff` of it against the baseline, without the hints file Faultline writes.
 */
async function withCandidateTree<T>(
  workspace: string,
  baseline: string,
  use: (diff: (format: '--numstat' | '--no-color') => Promise<string>) => Promise<T>,
): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-diff-'));
  const env = { GIT_INDEX_FILE: path.join(dir, 'index') };
  try {
    await git(workspace, ['add', '--all', '--', '.'], env);
    return await use((format) => git(workspace, ['diff', '--cached', format, baseline, '--', '.', `:(exclude)${HINTS_FILE}`], env));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function parseNumstat(numstat: string): CandidateDiff['files'] {
  return numstat
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [a, r, p] = line.split('\t');
      return { path: p ?? '', added: a === '-' ? 0 : Number(a), removed: r === '-' ? 0 : Number(r) };
    });
}

function totals(files: CandidateDiff['files']): { added: number; removed: number } {
  return { added: files.reduce((n, f) => n + f.added, 0), removed: files.reduce((n, f) => n + f.removed, 0) };
}

/** How big the candidate's change is, for the timeline (`candidate.diff`). */
export interface DiffSize {
  files: number;
  added: number;
  removed: number;
}

/**
 * The size of the candidate's change over time: a snapshot every `intervalMs` (and on demand),
 * recorded only when it differs from the last one recorded — so the timeline shows when the
 * candidate's work grew, without an event per tick.
 */
export class DiffTracker {
  private last: string;
  private timer: NodeJS.Timeout | undefined;
  private pending: Promise<DiffSize | undefined> | undefined;

  constructor(
    private readonly workspace: string,
    private readonly record: (size: DiffSize) => void,
    /** The last size recorded before (a resumed session), so it is not recorded twice. */
    previous: DiffSize = { files: 0, added: 0, removed: 0 },
  ) {
    this.last = DiffTracker.key(previous);
  }

  start(intervalMs: number): void {
    this.stop();
    this.timer = setInterval(() => void this.check(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Snapshot now (one at a time); records and returns the size when it changed. Never throws. */
  check(): Promise<DiffSize | undefined> {
    this.pending ??= candidateDiffSize(this.workspace)
      .then((size) => {
        const key = DiffTracker.key(size);
        if (key === this.last) return undefined;
        this.last = key;
        this.record(size);
        return size;
      })
      .catch(() => undefined) // not a git work tree any more, git missing: nothing to record
      .finally(() => (this.pending = undefined));
    return this.pending;
  }

  private static key(s: DiffSize): string {
    return `${s.files}/${s.added}/${s.removed}`;
  }
}
