/**
 * One running process of one service: spawn, readiness, crash diagnosis, stop.
 * Restart policy lives in the supervisor; this class only runs a process once per `start()`.
 */
import * as path from 'node:path';
import { Ring } from '../logs';
import type { PreloadIpc } from '../model/ipc';
import { ChildGroup, type ExitInfo } from '../process/group';
import type { Reaper } from '../process/reaper';
import { IpcTimeout, type IpcParams, type IpcResult } from '../protocol/ipc';
import { probe } from './probe';
import type { CrashReport, InstanceState, LogRecord, SandboxReport } from '../model/services';

export interface SpawnSpec {
  service: string;
  instance: number;
  execPath: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** Port requested (0 = any); the real one comes from the preload's report. */
  port: number;
  healthPath: string;
  probeTimeoutMs: number;
  startupTimeoutMs: number;
  /** Kills the process group if the supervisor dies (all instances of a session share one). */
  reaper?: Reaper;
  workspace: string;
}

export type StartOutcome = { ok: true; port: number; ms: number } | { ok: false; crash?: CrashReport; reason: string };

export class ServiceInstance {
  state: InstanceState = 'stopped';
  port = 0;
  pid: number | undefined;
  startedAt = 0;
  healthyAt = 0;
  lastCrash: CrashReport | undefined;
  /** Set while the running process does not answer liveness pings (see `Supervisor`). */
  unresponsive: { since: number; detail: string } | undefined;
  readonly logs = new Ring<LogRecord>(400);
  private readonly stderrTail = new Ring<string>(30);
  /** What the process reported about its sandbox at boot (every process running candidate code does). */
  sandbox: SandboxReport | undefined;
  private group: ChildGroup<typeof PreloadIpc> | undefined;
  private stopping = false;

  constructor(
    public spec: SpawnSpec,
    private readonly onLog: (record: LogRecord) => void,
    /** Called when the process exits without being asked to (after it was healthy or not). */
    private readonly onUnexpectedExit: (crash: CrashReport) => void,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Spawn and wait until the health path answers 2xx, the process dies, or the start-up timeout passes. */
  async start(): Promise<StartOutcome> {
    const spec = this.spec;
    this.stopping = false;
    this.state = 'starting';
    this.port = spec.port;
    this.stderrTail.clear();
    this.sandbox = undefined;
    this.startedAt = Date.now();
    this.healthyAt = 0;
    this.unresponsive = undefined;
    const group = new ChildGroup<typeof PreloadIpc>({
      execPath: spec.execPath,
      args: spec.args,
      cwd: spec.cwd,
      env: spec.env,
      label: `${spec.service}${spec.instance > 1 ? `#${spec.instance}` : ''}`,
      crashPipe: true,
      ...(spec.reaper ? { reaper: spec.reaper } : {}),
      log: {
        service: spec.service,
        instance: spec.instance,
        onRecord: (r) => {
          if (r.stream === 'stderr') this.stderrTail.push(r.message);
          this.record(r);
        },
      },
    });
    this.group = group;
    this.pid = group.pid;
    const listening = new Promise<number>((resolve) => {
      group.child.on('message', (msg: unknown) => {
        const m = msg as { type?: string; port?: number };
        if (m && m.type === 'faultline:listening' && typeof m.port === 'number') {
          if (spec.port === 0 || m.port === spec.port) resolve(m.port);
        }
        if (m && m.type === 'faultline:sandbox') {
          const { enforced, detail, childProcess, worker } = msg as SandboxReport;
          this.sandbox = {
            enforced: enforced === true,
            detail: String(detail),
            childProcess: childProcess === true,
            worker: worker === true,
          };
        }
      });
    });
    const wasStopping = () => this.stopping;
    const exited = group.exited.then((exit) => {
      if (this.group === group) this.group = undefined;
      if (exit.spawnError && group.pid === undefined) this.stderrTail.push(`cannot start ${spec.execPath}: ${exit.spawnError.message}`);
      if (wasStopping()) {
        this.state = 'stopped';
        return;
      }
      const crash = this.diagnose(exit, group.crashReport());
      this.lastCrash = crash;
      if (this.state === 'healthy') {
        this.state = 'crashed';
        this.onUnexpectedExit(crash);
      } else {
        this.state = 'crashed';
      }
    });

    const deadline = this.startedAt + spec.startupTimeoutMs;
    const died = exited.then(() => 'died' as const);
    const timeout = (ms: number) => new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), Math.max(0, ms)).unref());

    const port = await Promise.race([listening, died, timeout(deadline - Date.now())]);
    if (port === 'died') return { ok: false, crash: this.lastCrash, reason: this.lastCrash?.summary ?? 'exited' };
    if (port === 'timeout') {
      await this.stop();
      return { ok: false, reason: `did not start listening within ${spec.startupTimeoutMs} ms` };
    }
    this.port = port;
    let last = '';
    let delay = 25;
    while (Date.now() < deadline) {
      if (this.group !== group) return { ok: false, crash: this.lastCrash, reason: this.lastCrash?.summary ?? 'exited' };
      const r = await probe(this.url + spec.healthPath, Math.min(spec.probeTimeoutMs, Math.max(50, deadline - Date.now())));
      if (r.ok) {
        this.state = 'healthy';
        this.healthyAt = Date.now();
        return { ok: true, port, ms: this.healthyAt - this.startedAt };
      }
      last =
        r.status !== undefined
          ? `GET ${spec.healthPath} answered ${r.status}`
          : `GET ${spec.healthPath} failed: ${r.error ?? 'unknown error'}`;
      const outcome = await Promise.race([died, timeout(delay)]);
      if (outcome === 'died') return { ok: false, crash: this.lastCrash, reason: this.lastCrash?.summary ?? 'exited' };
      delay = Math.min(delay * 2, 200);
    }
    await this.stop();
    return { ok: false, reason: `not healthy within ${spec.startupTimeoutMs} ms (${last || 'no answer'})` };
  }

  /** SIGTERM the process group, SIGKILL after `graceMs`. Resolves when the process is gone. */
  async stop(graceMs = 3000): Promise<void> {
    const group = this.group;
    if (!group?.running) {
      this.state = this.state === 'failed' ? 'failed' : 'stopped';
      return;
    }
    this.stopping = true;
    this.state = 'stopping';
    await group.stop(graceMs);
    this.state = 'stopped';
  }

  /** Ask the process's preload to do something (chaos settings, query stats). */
  call<K extends keyof typeof PreloadIpc>(method: K, params: IpcParams<typeof PreloadIpc, K>): Promise<IpcResult<typeof PreloadIpc, K>> {
    if (!this.group?.running) return Promise.reject(new Error(`${this.spec.service} is not running`));
    return this.group.ipc.call(method, params, 5000);
  }

  /**
   * Whether the process's event loop answers within `timeoutMs`: its preload replies on that loop,
   * so a busy loop, a debugger breakpoint or a paused process all show as `false`.
   */
  async responsive(timeoutMs: number): Promise<boolean> {
    if (!this.group?.running) return true;
    try {
      await this.group.ipc.call('ping', {}, timeoutMs);
      return true;
    } catch (err) {
      return !(err instanceof IpcTimeout); // gone or restarting: the crash handling speaks for it
    }
  }

  /** Send a signal to the whole process group (for chaos: pause/resume/kill). A paused group is still reaped if we die. */
  signal(sig: NodeJS.Signals): boolean {
    const group = this.group;
    if (!group?.running) return false;
    return group.signal(sig);
  }

  private record(r: LogRecord): void {
    this.logs.push(r);
    this.onLog(r);
  }

  private diagnose(exit: ExitInfo, written: unknown): CrashReport {
    const spec = this.spec;
    const duringStartup = this.healthyAt === 0;
    const report: CrashReport = {
      exitCode: exit.code,
      signal: exit.signal,
      duringStartup,
      uptimeMs: Date.now() - this.startedAt,
      stderrTail: this.stderrTail.tail(20),
      summary: '',
    };
    const raw = written as { name?: unknown; message?: unknown; code?: unknown; stack?: unknown } | undefined;
    if (raw && typeof raw.name === 'string' && typeof raw.message === 'string' && typeof raw.stack === 'string') {
      // (No report: killed, exited on purpose, or the preload did not load.)
      report.exception = {
        name: raw.name,
        message: raw.message,
        stack: raw.stack,
        ...(typeof raw.code === 'string' ? { code: raw.code } : {}),
      };
      const location = firstWorkspaceFrame(raw.stack, spec.workspace);
      if (location) report.location = location;
    }
    const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code ?? 'unknown'}`;
    const when = duringStartup ? ' during start-up' : ` after ${Math.round(report.uptimeMs / 1000)} s`;
    const why = report.exception
      ? `: ${report.exception.name}: ${report.exception.message}${report.location ? ` (at ${report.location})` : ''}`
      : report.stderrTail.length > 0
        ? `: ${report.stderrTail[report.stderrTail.length - 1]}`
        : '';
    report.summary = `${spec.service}${spec.instance > 1 ? `#${spec.instance}` : ''} ${how}${when}${why}`;
    return report;
  }
}

/** "src/alerts/service.ts:42:11" for the first stack frame inside the workspace (not node_modules). */
export function firstWorkspaceFrame(stack: string, workspace: string): string | undefined {
  const root = path.resolve(workspace) + path.sep;
  for (const line of stack.split('\n')) {
    const m = /\(?((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!m) continue;
    const file = (m[1] as string).replace(/^file:\/\//, '');
    if (file.startsWith(root) && !file.includes(`${path.sep}node_modules${path.sep}`)) {
      return `${path.relative(root, file)}:${m[2]}:${m[3]}`;
    }
  }
  // A syntax error's first line is "file:line" without a column.
  const first = /^(\/[^\n:]+):(\d+)$/m.exec(stack);
  if (first && (first[1] as string).startsWith(root)) return `${path.relative(root, first[1] as string)}:${first[2]}`;
  return undefined;
}
