/**
 * The sandbox every process that runs candidate code runs in: the exercise's services, and the
 * candidate's own tests when a mutation check or `test-exercise` runs them. Node's permission
 * model (`--permission`) enforces it, the same on Linux, macOS and Windows:
 *
 * - reads: the workspace (its sources and node_modules), Faultline's runtime pack and its preload;
 * - writes: the workspace's `data/` folder only (databases, temporary files: TMPDIR points there);
 * - no child processes, no worker threads — unless the manifest widens it for a service;
 * - native addons (better-sqlite3 needs one), guarded by the preload: only files that cannot be
 *   written from the sandbox load, SQLite opens files only where the sandbox may write, and
 *   loads no extension;
 * - an environment built from an allow-list, never the interviewer's environment; nothing in it
 *   names the session folder (crash reports come back over a pipe, settings are read and removed).
 *
 * The runtime may not enforce the flags (an old Node; Electron is reported to ignore them), so
 * every sandboxed process proves it at boot (see servers/preload/sandbox.ts) and the session
 * records and reports what was in force.
 */
import * as path from 'node:path';

export interface SandboxPolicy {
  /** Absolute paths (files or folders) the process may read. */
  read: string[];
  /** Absolute paths it may write (and read). */
  write: string[];
  /** Widenings a manifest asked for. */
  childProcess: boolean;
  worker: boolean;
}

/** What a service's manifest may widen (`services[].sandbox`). */
export interface SandboxWidening {
  childProcess?: boolean | undefined;
  worker?: boolean | undefined;
  /** Workspace-relative paths. */
  read?: string[] | undefined;
  write?: string[] | undefined;
}

/** The folder candidate code may write in, relative to the workspace. */
export const DATA_DIR = 'data';

/** Node versions whose permission model is stable under `--permission` (22.13+, 23.5+, 24+). */
export function supportsPermission(version: string): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  return major >= 24 || (major === 23 && minor >= 5) || (major === 22 && minor >= 13);
}

export function sandboxPolicy(opts: {
  workspace: string;
  /** Faultline's node_modules (the runtime pack a scratch copy links to) and its preload bundle. */
  runtimeModules: string;
  preload: string;
  /** Extra folders the process runs in (a scratch copy of the workspace). */
  extraRead?: string[];
  extraWrite?: string[];
  widen?: SandboxWidening | undefined;
}): SandboxPolicy {
  const inWorkspace = (rel: string) => path.resolve(opts.workspace, rel);
  return {
    read: [opts.workspace, opts.runtimeModules, opts.preload, ...(opts.extraRead ?? []), ...(opts.widen?.read ?? []).map(inWorkspace)],
    write: [path.join(opts.workspace, DATA_DIR), ...(opts.extraWrite ?? []), ...(opts.widen?.write ?? []).map(inWorkspace)],
    childProcess: opts.widen?.childProcess ?? false,
    worker: opts.widen?.worker ?? false,
  };
}

/** The Node flags that enforce a policy (empty when the runtime has no stable permission model). */
export function sandboxArgs(policy: SandboxPolicy, runtimeVersion: string): string[] {
  if (!supportsPermission(runtimeVersion)) return [];
  return [
    '--permission',
    ...[...new Set(policy.read)].map((p) => `--allow-fs-read=${p}`),
    ...[...new Set(policy.write)].map((p) => `--allow-fs-write=${p}`),
    '--allow-addons',
    ...(policy.childProcess ? ['--allow-child-process'] : []),
    ...(policy.worker ? ['--allow-worker'] : []),
    // Node warns that addons and child processes weaken the model: Faultline guards addons itself
    // (the preload), and widenings are shown to the interviewer. Candidate warnings still print.
    '--disable-warning=SecurityWarning',
  ];
}

/** Variables a sandboxed process may inherit from the interviewer's environment, if set. */
const INHERITED = ['TZ', 'LANG', 'LC_ALL', 'LC_CTYPE', 'NO_COLOR', 'FORCE_COLOR', 'TERM'];

/**
 * The environment of a sandboxed process: an allow-list (locale and time zone), what the runtime
 * needs (ELECTRON_RUN_AS_NODE), TMPDIR inside its writable folder, and what Faultline sets.
 */
export function sandboxEnv(opts: {
  runtimeEnv: Record<string, string>;
  tmpDir: string;
  set: Record<string, string>;
  from?: NodeJS.ProcessEnv;
}): Record<string, string> {
  const from = opts.from ?? process.env;
  const env: Record<string, string> = {};
  for (const k of INHERITED) {
    const v = from[k];
    if (v !== undefined) env[k] = v;
  }
  return { ...env, ...opts.runtimeEnv, TMPDIR: opts.tmpDir, TEMP: opts.tmpDir, TMP: opts.tmpDir, ...opts.set };
}
