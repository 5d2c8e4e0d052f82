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

export interface ProcessSpec {
  execPath: string;
  args: string[];
  cwd: string;
  env: Record<string, string | undefined>;
  /** Who it is in error messages, e.g. "the database agent" or "api#2 (pid 123)". */
  label: string;
  /** Its output, one log record per line (levels parsed), under this service name. */
  log?: { service: string; instance: number; onRecord: (record: LogRecord) => void };
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

  constructor(readonly spec: ProcessSpec) {
    const child = spawn(spec.execPath, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
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
    this.exited = new Promise<ExitInfo>((resolve) => {
      let spawnError: Error | undefined;
      child.on('error', (e) => {
        spawnError = e;
        if (child.pid === undefined) resolve((this.ended = { code: -1, signal: null, spawnError: e }));
      });
      child.on('close', (code, signal) => {
        out?.end();
        err?.end();
        const failed = spawnError !== undefined && code === null && signal === null;
        resolve((this.ended = { code: failed ? -1 : code, signal, ...(spawnError ? { spawnError } : {}) }));
      });
    });
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
