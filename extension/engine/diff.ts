/**
 * The candidate's change since the baseline commit, including files they created but did not
 * commit — through a throwaway git index, so the candidate's own index is never touched.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { git } from './git';
import { BASELINE_TAG } from './workspace';

export interface CandidateDiff {
  baseline: string;
  files: { path: string; added: number; removed: number }[];
  added: number;
  removed: number;
  patch: string;
  truncated: boolean;
}

const MAX_PATCH = 400_000;

export async function candidateDiff(workspace: string, baseline: string = BASELINE_TAG): Promise<CandidateDiff> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-diff-'));
  const env = { GIT_INDEX_FILE: path.join(dir, 'index') };
  try {
    await git(workspace, ['add', '--all', '--', '.'], env);
    const numstat = await git(workspace, ['diff', '--cached', '--numstat', baseline, '--', '.', `:(exclude)HINTS.md`], env);
    let patch = await git(workspace, ['diff', '--cached', '--no-color', baseline, '--', '.', `:(exclude)HINTS.md`], env);
    const files = numstat
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [a, r, p] = line.split('\t');
        return { path: p ?? '', added: a === '-' ? 0 : Number(a), removed: r === '-' ? 0 : Number(r) };
      });
    const truncated = patch.length > MAX_PATCH;
    if (truncated) patch = patch.slice(0, MAX_PATCH);
    return {
      baseline,
      files,
      added: files.reduce((n, f) => n + f.added, 0),
      removed: files.reduce((n, f) => n + f.removed, 0),
      patch,
      truncated,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
