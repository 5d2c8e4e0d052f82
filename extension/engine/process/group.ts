/**
 * One child process in its own process group, with an IPC channel and its output parsed into log
 * records: what every process Faultline starts is (services, the fault proxy, the database agent,
 * the check runner). One way to stop them all: SIGCONT (a paused process cannot act on SIGTERM),
 * SIGTERM to the group, SIGKILL after a grace period, and SIGKILL again for leftovers in the group
 * (grandchildren) once the process itself is gone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { LogStreamParser } from '../logs';
import type { IpcTable } from '../model/ipc';
import type { LogRecord } from '../model/services';
import { IpcClient } from '../protocol/ipc';
import type { Reaper } from './reaper';

export interface ProcessSpec {
  execPath: string;
  args: string[];
  cwd: string;
  env: Record<string, string | undefined>;
  /** Who it is in error messages, e.g. "the database agent" or "api#2 (pid 123)". */
  label: string;
  /** Its output, one log record per line (levels parsed), under this service name. */
  log?: { service: string; instance: number; onRecord: (record: LogRecord) => void };
  /** A pipe on fd 4 for the preload's crash report (FAULTLINE_CRASH_FD=4 is set). */
  crashPipe?: boolean;
  /** Kills the group if the process that started it dies (see reaper.ts). */
  reaper?: Reaper;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The executable could not be started at all (not found, not executable). */
  spawnError?: Error;
}

const isWindows = process.platform === 'win32';

export class ChildGroup<T extends IpcTable = IpcTable> {
  readonly child: ChildProcess;
  readonly ipc: IpcClient<T>;
  /** Resolves once the process is gone (or could not start), with how it ended. */
  readonly exited: Promise<ExitInfo>;
  private ended: ExitInfo | undefined;
  private crash = '';

  constructor(readonly spec: ProcessSpec) {
    const child = spawn(spec.execPath, spec.args, {
      cwd: spec.cwd,
      env: spec.crashPipe ? { ...spec.env, FAULTLINE_CRASH_FD: '4' } : spec.env,
      stdio: spec.crashPipe ? ['ignore', 'pipe', 'pipe', 'ipc', 'pipe'] : ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: !isWindows, // its own process group: signals reach its children too
      windowsHide: true,
    });
    this.child = child;
    this.ipc = new IpcClient<T>(child, spec.label);
    const log = spec.log;
    const out = log ? new LogStreamParser(log.service, log.instance, 'stdout', log.onRecord) : undefined;
    const err = log ? new LogStreamParser(log.service, log.instance, 'stderr', log.onRecord) : undefined;
    child.stdout?.setEncoding('utf8').on('data', (d: string) => out?.push(d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => err?.push(d));
    const crashStream = spec.crashPipe ? (child.stdio[4] as NodeJS.ReadableStream | null | undefined) : undefined;
    crashStream?.setEncoding('utf8');
    crashStream?.on('data', (d: string) => {
      if (this.crash.length < 200_000) this.crash += d;
    });
    spec.reaper?.add(child.pid);
    this.exited = new Promise<ExitInfo>((resolve) => {
      let spawnError: Error | undefined;
      child.on('error', (e) => {
        spawnError = e;
        if (child.pid === undefined) resolve((this.ended = { code: -1, signal: null, spawnError: e }));
      });
      child.on('close', (code, signal) => {
        out?.end();
        err?.end();
        // Leftovers of the group (grandchildren) die with their leader; then nothing is left to reap.
        signalGroup(child, 'SIGKILL');
        spec.reaper?.remove(child.pid);
        const failed = spawnError !== undefined && code === null && signal === null;
        resolve((this.ended = { code: failed ? -1 : code, signal, ...(spawnError ? { spawnError } : {}) }));
      });
    });
  }

  /** The last crash report the process wrote to its crash pipe (JSON), if any. */
  crashReport(): unknown {
    const line = this.crash.trim().split('\n').pop();
    if (!line) return undefined;
    try {
      return JSON.parse(line) as unknown;
    } catch {
      return undefined;
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Still running (not exited, not failed to start). */
  get running(): boolean {
    return this.ended === undefined && this.child.pid !== undefined;
  }

  /** Send a signal to the whole group; false when there is nothing to signal. */
  signal(sig: NodeJS.Signals): boolean {
    return signalGroup(this.child, sig);
  }

  /** SIGKILL the whole group now. */
  kill(): void {
    this.signal('SIGKILL');
  }

  /** SIGTERM, SIGKILL after `graceMs` (0: at once); resolves when the process is gone, its group emptied. */
  async stop(graceMs = 3000): Promise<ExitInfo> {
    if (this.running) {
      this.signal('SIGCONT');
      this.signal(graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
    }
    const killer = graceMs > 0 ? setTimeout(() => this.signal('SIGKILL'), graceMs) : undefined;
    const info = await this.exited;
    clearTimeout(killer);
    this.signal('SIGKILL'); // leftovers in the group (grandchildren) go too
    return info;
  }
}

/** A signal to the child's whole process group (Windows: the child only). */
export function signalGroup(child: ChildProcess, sig: NodeJS.Signals): boolean {
  if (child.pid === undefined) return false;
  try {
    if (!isWindows) process.kill(-child.pid, sig);
    else child.kill(sig);
    return true;
  } catch {
    try {
      return child.kill(sig);
    } catch {
      return false;
    }
  }
}
