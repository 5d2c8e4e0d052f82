/**
 * One supervised process (a replica of a service, or the fault proxy): its instance, the restart
 * policy (exponential backoff, give up after too many crashes in a row) and what has to happen
 * after each healthy start. The supervisor and the fault proxy's owner both build on it.
 */
import { FaultlineError } from '../errors';
import type { LogRecord } from '../model/services';
import type { CrashReport, SandboxReport } from '../model/services';
import { ServiceInstance, type SpawnSpec, type StartOutcome } from './instance';

export interface RestartPolicy {
  /** Give up after this many crashes in a row (a run shorter than `stableMs` counts as a crash in a row). */
  maxConsecutive: number;
  baseDelayMs: number;
  maxDelayMs: number;
  stableMs: number;
}

export const DEFAULT_RESTART: RestartPolicy = { maxConsecutive: 5, baseDelayMs: 250, maxDelayMs: 8000, stableMs: 10_000 };

export type SupervisorEvent =
  | { type: 'starting'; service: string; instance: number }
  | { type: 'healthy'; service: string; instance: number; url: string; pid: number; ms: number }
  | { type: 'crashed'; service: string; instance: number; crash: CrashReport; restartInMs?: number }
  | { type: 'failed'; service: string; instance: number; reason: string; crash?: CrashReport }
  | { type: 'stopped'; service: string; instance: number }
  | { type: 'unresponsive'; service: string; instance: number; detail: string }
  | { type: 'responsive'; service: string; instance: number; afterMs: number }
  /** A process running candidate code reported its sandbox (after each healthy start). */
  | { type: 'sandbox'; service: string; instance: number; report: SandboxReport };

export interface SlotHooks {
  policy: RestartPolicy;
  /** The spawn spec for the next start (`port`: the port it had, so its URL stays valid). */
  spec(port: number | undefined): SpawnSpec;
  /** After each healthy start, before `healthy` is announced (e.g. point the proxy at it). */
  afterHealthy(slot: Slot): Promise<void>;
  emit(event: SupervisorEvent): void;
  log(level: LogRecord['level'], message: string): void;
  onLog(record: LogRecord): void;
  /** The supervisor is shutting down: no restarts. */
  stopped(): boolean;
}

export class Slot {
  readonly instance: ServiceInstance;
  restarts = 0;
  private consecutive = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    spec: SpawnSpec,
    private readonly hooks: SlotHooks,
  ) {
    this.instance = new ServiceInstance(
      spec,
      (r) => hooks.onLog(r),
      (crash) => this.recover(crash),
    );
  }

  get name(): string {
    return this.instance.spec.instance > 1 ? `${this.instance.spec.service}#${this.instance.spec.instance}` : this.instance.spec.service;
  }

  /** Start once (with a fresh spec); `healthy` is announced after the after-start hook ran. */
  async start(): Promise<StartOutcome> {
    const { service, instance: n } = this.instance.spec;
    this.hooks.emit({ type: 'starting', service, instance: n });
    const outcome = await this.instance.start();
    if (outcome.ok) {
      try {
        await this.hooks.afterHealthy(this);
      } catch (err) {
        this.hooks.log('error', `after start: ${err instanceof Error ? err.message : String(err)}`);
      }
      this.hooks.emit({ type: 'healthy', service, instance: n, url: this.instance.url, pid: this.instance.pid ?? 0, ms: outcome.ms });
    }
    return outcome;
  }

  /** Rebuild the spec (keeping the port) and start; for restarts on request. */
  async restart(): Promise<StartOutcome> {
    this.cancelRestart();
    await this.instance.stop();
    this.consecutive = 0;
    this.instance.spec = this.hooks.spec(this.instance.port || undefined);
    return this.start();
  }

  /** Mark a start that did not become healthy as failed; announces it. */
  failed(outcome: Extract<StartOutcome, { ok: false }>): void {
    const { service, instance: n } = this.instance.spec;
    this.instance.state = 'failed';
    this.hooks.emit({ type: 'failed', service, instance: n, reason: outcome.reason, ...(outcome.crash ? { crash: outcome.crash } : {}) });
  }

  cancelRestart(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  async stop(graceMs: number): Promise<void> {
    this.cancelRestart();
    const wasRunning = this.instance.pid !== undefined && this.instance.state !== 'stopped';
    await this.instance.stop(graceMs);
    const { service, instance: n } = this.instance.spec;
    if (wasRunning) this.hooks.emit({ type: 'stopped', service, instance: n });
  }

  /** Crash after a healthy start: restart with exponential backoff, give up after too many in a row. */
  private recover(crash: CrashReport): void {
    const { hooks } = this;
    if (hooks.stopped()) return;
    const { service, instance: n } = this.instance.spec;
    this.consecutive = crash.uptimeMs >= hooks.policy.stableMs ? 1 : this.consecutive + 1;
    if (this.consecutive > hooks.policy.maxConsecutive) {
      this.instance.state = 'failed';
      const reason = `crashed ${this.consecutive - 1} times in a row; not restarting until asked (last: ${crash.summary})`;
      hooks.log('error', reason);
      hooks.emit({ type: 'failed', service, instance: n, reason, crash });
      return;
    }
    const delay = Math.min(hooks.policy.baseDelayMs * 2 ** (this.consecutive - 1), hooks.policy.maxDelayMs);
    this.instance.state = 'backoff';
    hooks.log('error', `${crash.summary}; restarting in ${delay} ms`);
    hooks.emit({ type: 'crashed', service, instance: n, crash, restartInMs: delay });
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (hooks.stopped()) return;
      this.restarts++;
      try {
        this.instance.spec = hooks.spec(this.instance.port || undefined);
      } catch (err) {
        this.instance.state = 'failed';
        hooks.emit({ type: 'failed', service, instance: n, reason: err instanceof FaultlineError ? err.message : String(err) });
        return;
      }
      void this.start().then((outcome) => {
        if (outcome.ok || hooks.stopped()) return;
        this.recover(outcome.crash ?? { ...crash, uptimeMs: 0, summary: `${this.name} ${outcome.reason}` });
      });
    }, delay);
  }
}
