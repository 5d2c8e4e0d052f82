/**
 * The fault proxy's owner: its process (started before any service, restarted with backoff when
 * it dies) and the link to its control API. A restarted proxy gets everything back from the link
 * (listeners on the same ports, faults, fixed routes), so addresses handed out stay valid and
 * active faults stay active.
 */
import * as path from 'node:path';
import { FaultlineError } from '../errors';
import type { Install } from '../install';
import type { LogRecord } from '../model/services';
import { newToken } from '../protocol/rpc';
import type { Runtime } from '../runtime';
import type { Reaper } from '../process/reaper';
import { ProxyLink } from './proxyLink';
import { Slot, type RestartPolicy, type SupervisorEvent } from './slot';

const NAME = 'fault-proxy';

export interface FaultProxyOptions {
  install: Install;
  runtime: Runtime;
  /** Session folder (crash reports). */
  sessionDir: string;
  preload: string;
  policy: RestartPolicy;
  onLog: (record: LogRecord) => void;
  emit: (event: SupervisorEvent) => void;
  stopped: () => boolean;
  reaper: Reaper;
}

export class FaultProxyProcess {
  private readonly token = newToken();
  private readonly slot: Slot;
  private current: ProxyLink | undefined;

  constructor(private readonly opts: FaultProxyOptions) {
    this.slot = new Slot(this.spec(undefined), {
      policy: opts.policy,
      spec: (port) => this.spec(port),
      afterHealthy: async (slot) => {
        if (this.current) await this.current.replay(slot.instance.url);
        else this.current = new ProxyLink(slot.instance.url, this.token);
      },
      emit: opts.emit,
      log: (level, message) => opts.onLog({ time: Date.now(), service: NAME, instance: 1, level, stream: 'supervisor', message }),
      onLog: opts.onLog,
      stopped: opts.stopped,
    });
  }

  private spec(port: number | undefined) {
    const { install, runtime, sessionDir, preload } = this.opts;
    return {
      service: NAME,
      instance: 1,
      execPath: runtime.execPath,
      args: ['--require', preload, path.join(install.serversDir, `${NAME}.js`)],
      cwd: sessionDir,
      env: {
        ...process.env,
        ...runtime.env,
        NODE_OPTIONS: '',
        PORT: String(port ?? 0),
        FAULTLINE_PROXY_TOKEN: this.token,
      },
      port: port ?? 0,
      healthPath: '/v1/health',
      probeTimeoutMs: 1000,
      startupTimeoutMs: 15_000,
      reaper: this.opts.reaper,
      workspace: sessionDir,
    };
  }

  /** Start the proxy; a clear error when it cannot. */
  async start(): Promise<void> {
    const outcome = await this.slot.start();
    if (outcome.ok) return;
    this.slot.failed(outcome);
    throw new FaultlineError(
      'service-failed',
      `the fault proxy failed to start: ${outcome.reason}`,
      'run `npm run build` in the Faultline folder, then try again',
      outcome.crash?.exception?.stack,
    );
  }

  /** The link to the running proxy's control API. */
  get link(): ProxyLink {
    if (!this.current) throw new FaultlineError('not-running', 'the fault proxy is not running');
    return this.current;
  }

  /** The link, or undefined before the proxy first started. */
  get linkIfStarted(): ProxyLink | undefined {
    return this.current;
  }

  status(): { url: string; pid: number | null; state: string; restarts: number } {
    return {
      url: this.current?.controlUrl ?? '',
      pid: this.slot.instance.pid ?? null,
      state: this.slot.instance.state,
      restarts: this.slot.restarts,
    };
  }

  stop(graceMs: number): Promise<void> {
    return this.slot.stop(graceMs);
  }
}
