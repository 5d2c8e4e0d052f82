/** The few git operations Faultline needs, through the real git binary. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { FaultlineError } from './errors';

const run = promisify(execFile);

/** Faultline's own commits carry a fixed identity and never depend on the user's git config. */
const IDENTITY = {
  GIT_AUTHOR_NAME: 'Faultline',
  GIT_AUTHOR_EMAIL: 'faultline@localhost',
  GIT_COMMITTER_NAME: 'Faultline',
  GIT_COMMITTER_EMAIL: 'faultline@localhost',
};

export async function git(cwd: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  try {
    const { stdout } = await run('git', ['-c', 'commit.gpgsign=false', '-c', 'core.autocrlf=false', ...args], {
      cwd,
      env: { ...process.env, ...env, GIT_TERMINAL_PROMPT: '0' },
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new FaultlineError('git-failed', 'git is not installed', 'install git and try again');
    throw new FaultlineError('git-failed', `git ${args[0] ?? ''} failed in ${cwd}: ${(e.stderr ?? e.message).trim()}`);
  }
}

export async function initRepository(cwd: string): Promise<void> {
  await git(cwd, ['init', '--quiet', '--initial-branch=main']);
}

/** Stage everything and commit; returns the new commit id. */
export async function commitAll(cwd: string, message: string): Promise<string> {
  await git(cwd, ['add', '--all']);
  await git(cwd, ['commit', '--quiet', '--no-verify', '--allow-empty', '-m', message], IDENTITY);
  return (await git(cwd, ['rev-parse', 'HEAD'])).trim();
}
