/**
 * Folders the user named (a new workspace, FAULTLINE_HOME, a session folder), created with errors
 * that say which folder and why, instead of a raw `ENOENT … mkdir`. Created one level at a time:
 * Node's recursive mkdir spins forever under /proc (it retries a parent that "does not exist"), so
 * a target on a file system that cannot hold folders is refused with a clear message.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FaultlineError } from './errors';

/** Why a folder could not be made, in words (and the errno code). */
function reason(err: NodeJS.ErrnoException, at: string): string {
  switch (err.code) {
    case 'EACCES':
    case 'EPERM':
      return `${at} is not writable by you`;
    case 'EROFS':
      return `${at} is on a read-only file system`;
    case 'ENOTDIR':
      return `${at} is a file, not a folder`;
    case 'ENOSPC':
      return `the disk holding ${at} is full`;
    case 'ENOENT':
      return `${at} cannot hold new folders (not a regular file system, e.g. /proc)`;
    default:
      return `${err.code ?? 'error'}: ${err.message}`;
  }
}

/** Creates `dir` and its missing parents; `what` names it for the message ("the workspace folder"). */
export function makeDir(dir: string, what: string, mode?: number): void {
  const target = path.resolve(dir);
  const missing: string[] = [];
  let at = target;
  for (;;) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(at);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR')
        throw new FaultlineError('io', `cannot create ${what} ${target}: ${reason(err as NodeJS.ErrnoException, at)}`);
    }
    if (stat) {
      if (!stat.isDirectory()) throw new FaultlineError('io', `cannot create ${what} ${target}: ${at} is a file, not a folder`);
      break;
    }
    missing.unshift(at);
    const parent = path.dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const d of missing) {
    try {
      fs.mkdirSync(d, mode === undefined ? undefined : { mode });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'EEXIST' && fs.statSync(d).isDirectory()) continue;
      throw new FaultlineError(
        'io',
        `cannot create ${what} ${target}: ${reason(e, path.dirname(d))}`,
        'choose a folder on a writable disk (or set FAULTLINE_HOME for session folders)',
      );
    }
  }
}

/** An existing folder the user named, or a clear error ("no folder /nonexistent"). */
export function existingDir(dir: string, what: string): string {
  const target = path.resolve(dir);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new FaultlineError(
      e.code === 'ENOENT' ? 'not-a-workspace' : 'io',
      e.code === 'ENOENT' ? `${what} ${target} does not exist` : `cannot read ${what} ${target}: ${reason(e, target)}`,
      e.code === 'ENOENT' ? 'create one with `faultline new <exercise> <dir>`' : undefined,
    );
  }
  if (!stat.isDirectory()) throw new FaultlineError('not-a-workspace', `${what} ${target} is a file, not a folder`);
  return fs.realpathSync(target);
}
