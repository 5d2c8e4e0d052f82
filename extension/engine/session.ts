/**
 * A session is one run of an exercise workspace. Its folder lives outside the candidate workspace
 * (state, token, crash reports, later the timeline and scores) so the candidate never sees it.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FaultlineError } from './errors';
import { makeDir } from './files';

export function faultlineHome(): string {
  return process.env['FAULTLINE_HOME'] ?? path.join(os.homedir(), '.faultline');
}

export function sessionDirFor(workspace: string, home = faultlineHome()): string {
  const real = fs.existsSync(workspace) ? fs.realpathSync(workspace) : path.resolve(workspace);
  const hash = crypto.createHash('sha256').update(real).digest('hex').slice(0, 10);
  return path.join(home, 'sessions', `${path.basename(real)}-${hash}`);
}

export interface ServiceState {
  url: string;
  urls: string[];
  port: number;
  pid: number | null;
  pids: (number | null)[];
  health: string;
  database?: string;
}

export interface SessionState {
  version: 1;
  exercise: string;
  title: string;
  workspace: string;
  sessionDir: string;
  /** Process that supervises the services (the CLI or the extension host). */
  pid: number;
  startedAt: string;
  stoppedAt?: string;
  runtime: { execPath: string; version: string };
  mode: 'interview' | 'practice';
  control: { url: string; tokenFile: string };
  /** The fault proxy every service sits behind (its control API needs the proxy's own token). */
  proxy: { url: string; pid: number | null };
  /** The candidate portal (candidate-safe page: brief, service URLs, hints received, time left). */
  portal: { url: string };
  services: Record<string, ServiceState>;
}

/** Write a file so that readers see either the old or the new content, never a torn one. */
export function writeFileAtomic(file: string, data: string, mode = 0o600): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  const fd = fs.openSync(tmp, 'w', mode);
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

export function writeState(files: readonly string[], state: SessionState): void {
  const text = JSON.stringify(state, null, 2) + '\n';
  for (const f of files) writeFileAtomic(f, text);
}

export function readState(file: string): SessionState {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new FaultlineError('not-running', `no session state at ${file}`, 'start the services with `faultline up <dir> --state FILE`');
    }
    throw new FaultlineError('io', `cannot read ${file}: ${String(err)}`);
  }
  try {
    const state = JSON.parse(text) as SessionState;
    if (state.version !== 1 || !state.control?.url) throw new Error('unexpected content');
    return state;
  } catch {
    throw new FaultlineError('usage', `${file} is not a Faultline session state file`);
  }
}

export function readToken(state: SessionState): string {
  try {
    return fs.readFileSync(state.control.tokenFile, 'utf8').trim();
  } catch {
    throw new FaultlineError('not-running', `the session token ${state.control.tokenFile} is gone`, 'the session has ended');
  }
}

/** True if the process exists and is not a zombie (a dead process nobody has reaped yet). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (macOS, Windows): kill(0) is the best we have
  }
}

/**
 * One supervisor per workspace. The lock holds the owner's pid; a lock whose owner is dead is
 * taken over (the previous owner crashed).
 */
export function acquireLock(sessionDir: string): () => void {
  makeDir(sessionDir, 'the session folder', 0o700);
  const file = path.join(sessionDir, 'lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
      return () => {
        try {
          if (fs.readFileSync(file, 'utf8') === String(process.pid)) fs.rmSync(file);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
      if (Number.isFinite(owner) && owner !== process.pid && isAlive(owner)) {
        throw new FaultlineError(
          'usage',
          `this workspace is already running under Faultline (pid ${owner})`,
          'stop it first with `faultline stop <dir>` or Ctrl-C in its terminal',
        );
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new FaultlineError('io', `cannot take the session lock ${file}`);
}
