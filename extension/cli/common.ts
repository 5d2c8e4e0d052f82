/** What every `faultline` command shares: output, argument parsing, finding the session. */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { FaultlineError, errorMessage } from '../engine/errors';
import { controlApi } from '../engine/protocol/control';
import { apiClient } from '../engine/protocol/rpc';
import { isAlive, readState, readToken, sessionDirFor, type SessionState } from '../engine/session';
import { findWorkspace } from '../engine/workspace';
import { paint, type Style } from './ui';
import type { ActivationReport } from '../engine/model/chaos';

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  s: Style;
  errStyle: Style;
}

export function args<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, usage: string) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new FaultlineError('usage', errorMessage(err), usage);
  }
}

export function need(value: string | undefined, what: string, usage: string): string {
  if (value === undefined || value === '') throw new FaultlineError('usage', `missing ${what}`, usage);
  return value;
}

/**
 * The state file of the session: `--state FILE`, or the one of the workspace folder given, or of
 * the workspace the current directory is in.
 */
export function stateFileFrom(dir: string | undefined, stateFile: string | undefined, usage: string): string {
  if (stateFile) return path.resolve(stateFile);
  const workspace = dir ? path.resolve(dir) : findWorkspace(process.cwd());
  if (workspace) return path.join(sessionDirFor(workspace), 'state.json');
  throw new FaultlineError('usage', 'say which session: run this inside a workspace, or give its folder (or --state FILE)', usage);
}

/** The state of a running session; a clear error when it stopped or its process is gone. */
export function liveState(file: string): SessionState {
  const state = readState(file);
  if (state.stoppedAt) {
    throw new FaultlineError(
      'not-running',
      `the session for ${state.workspace} stopped at ${state.stoppedAt}`,
      `start it again with \`faultline up ${state.workspace}\``,
    );
  }
  if (!isAlive(state.pid)) {
    throw new FaultlineError(
      'not-running',
      `the session for ${state.workspace} is not running (pid ${state.pid} is gone)`,
      'start it with `faultline up`',
    );
  }
  return state;
}

/** The live session's state and a control API client for it. */
export function controlFor(dir: string | undefined, stateFile: string | undefined, usage: string, timeoutMs = 60_000) {
  const state = liveState(stateFileFrom(dir, stateFile, usage));
  return { state, client: apiClient(controlApi, state.control.url, readToken(state), timeoutMs) };
}

/** The first `command` executable on PATH, or null. */
export function onPath(command: string): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    for (const ext of process.platform === 'win32' ? ['.cmd', '.exe', ''] : ['']) {
      const file = path.join(dir, command + ext);
      if (fs.existsSync(file)) return file;
    }
  }
  return null;
}

/** Open a URL in the desktop's browser if an opener exists; returns the opener used, or null. */
export function openInBrowser(url: string): string | null {
  const [command, args] =
    process.platform === 'win32'
      ? ['cmd', ['/c', 'start', '""', url]]
      : process.platform === 'darwin'
        ? ['open', [url]]
        : ['xdg-open', [url]];
  if (process.platform !== 'win32' && onPath(command) === null) return null;
  try {
    const child = spawn(command, args, { detached: true, stdio: 'ignore', windowsHide: true });
    child.on('error', () => undefined);
    child.unref();
    return command;
  } catch {
    return null;
  }
}

/** `--seed N` for a reproducible chaos run. */
export function parseSeed(raw: string | undefined, usage: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
    throw new FaultlineError('usage', '--seed must be an integer from 0 to 4294967295', usage);
  return n;
}

/** What a chaos activation did, as `up --chaos` and `chaos <mode>` print it. */
export function printActivation(io: Io, r: ActivationReport): void {
  io.out(
    paint.yellow(io.s, `[faultline] chaos ${r.mode} (${r.title}) active in ${r.ms} ms, seed ${r.seed}`) +
      (r.replaced ? paint.dim(io.s, ` (replaced ${r.replaced})`) : ''),
  );
  for (const line of faultLines(r.faults)) io.out(paint.dim(io.s, `  - ${line}`));
}

/** One line per distinct fault; identical ones are counted ("db_update on api ×4: …"), in order. */
export function faultLines(faults: ActivationReport['faults']): string[] {
  const counts = new Map<string, number>();
  for (const f of faults) {
    const line = `${f.type}${f.target ? ` on ${f.target}` : ''}\u0000${f.summary}`;
    counts.set(line, (counts.get(line) ?? 0) + 1);
  }
  return [...counts].map(([line, n]) => {
    const [head, summary] = line.split('\u0000');
    return `${head}${n > 1 ? ` ×${n}` : ''}: ${summary}`;
  });
}
