/**
 * Runs an exercise's services: dependency order, readiness, structured logs, restart with backoff,
 * clean stop. Every service sits behind the fault proxy (started first): clients use the
 * service's public listener, and a service reaches each dependency through its own edge
 * listener, so traffic faults can target one service, or one caller of it.
 * Knows nothing about any particular exercise — only the manifest's service list.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FaultlineError } from '../errors';
import type { Install } from '../install';
import type { Exercise, Service } from '../manifest/schema';
import { renderTemplate, type TemplateContext } from '../manifest/templates';
import type { Runtime } from '../runtime';
import { Reaper } from '../process/reaper';
import { DATA_DIR, sandboxArgs, sandboxEnv, sandboxPolicy } from '../process/sandbox';
import type { SpawnSpec, StartOutcome } from './instance';
import { FaultProxyProcess } from './faultProxy';
import type { ProxyLink } from './proxyLink';
import { DEFAULT_RESTART, Slot, type RestartPolicy, type SupervisorEvent } from './slot';

import type { InstanceStatus, LogRecord, PreloadStats, ServiceStatus } from '../model/services';

/** Listener id of the edge from one service to (a replica of) another. */
export function edgeId(from: string, to: string, replica?: number): string {
  return `${from}->${to}${replica !== undefined ? `#${replica}` : ''}`;
}

export interface SupervisorOptions {
  install: Install;
  exercise: Exercise;
  workspace: string;
  /** Session folder outside the workspace (state, crash reports, timeline). */
  sessionDir: string;
  runtime: Runtime;
  onLog?: (record: LogRecord) => void;
  onEvent?: (event: SupervisorEvent) => void;
  restart?: Partial<RestartPolicy>;
  /**
   * Every running process is pinged over IPC this often; one that does not answer within
   * `timeoutMs` is reported unresponsive (and responsive again when it answers). `false`: off.
   */
  liveness?: { intervalMs: number; timeoutMs: number } | false;
  /** Refuse to run candidate code when the runtime does not enforce the sandbox. */
  requireSandbox?: boolean;
}

export const DEFAULT_LIVENESS = { intervalMs: 5000, timeoutMs: 2000 };

/** Services grouped in start order: every service comes after the services it depends on. */
export function startWaves(services: readonly Service[]): Service[][] {
  const done = new Set<string>();
  const left = [...services];
  const waves: Service[][] = [];
  while (left.length > 0) {
    const wave = left.filter((s) => (s.dependsOn ?? []).every((d) => done.has(d)));
    if (wave.length === 0) throw new FaultlineError('invalid-manifest', `dependency cycle among: ${left.map((s) => s.name).join(', ')}`);
    waves.push(wave);
    for (const s of wave) {
      done.add(s.name);
      left.splice(left.indexOf(s), 1);
    }
  }
  return waves;
}

export class Supervisor {
  private readonly slots = new Map<string, Slot[]>();
  private readonly policy: RestartPolicy;
  private stopped = false;
  private readonly preload: string;
  private readonly faultProxy: FaultProxyProcess;
  /** Kills every process group of this session if the process running it dies (even by SIGKILL). */
  readonly reaper: Reaper;
  /** Settings the preload applies in each process of a service (chaos: db latency, clock skew). */
  private readonly preloadSettings = new Map<string, Record<string, unknown>>();
  private readonly crashLoops = new Map<string, number>();
  private readonly listeners = new Set<(e: SupervisorEvent) => void>();
  private monitor: NodeJS.Timeout | undefined;

  constructor(private readonly opts: SupervisorOptions) {
    this.policy = { ...DEFAULT_RESTART, ...opts.restart };
    this.preload = path.join(opts.install.serversDir, 'preload.js');
    this.reaper = new Reaper(opts.runtime.execPath);
    this.faultProxy = new FaultProxyProcess({
      install: opts.install,
      runtime: opts.runtime,
      sessionDir: opts.sessionDir,
      preload: this.preload,
      policy: this.policy,
      onLog: (r) => this.opts.onLog?.(r),
      emit: (e) => this.emit(e),
      stopped: () => this.stopped,
      reaper: this.reaper,
    });
  }

  private get link(): ProxyLink | undefined {
    return this.faultProxy.linkIfStarted;
  }

  /** Start every service in dependency order. On failure everything started is stopped again. */
  async start(): Promise<void> {
    if (!fs.existsSync(this.preload)) {
      throw new FaultlineError('io', `Faultline is not built: ${this.preload} is missing`, 'run `npm run build` in the Faultline folder');
    }
    fs.mkdirSync(path.join(this.opts.sessionDir, 'run'), { recursive: true });
    this.stopped = false;
    try {
      await this.faultProxy.start();
    } catch (err) {
      await this.stop();
      throw err;
    }
    for (const wave of startWaves(this.opts.exercise.services)) {
      const results = await Promise.all(wave.map((s) => this.startService(s)));
      const failed = results.find((r) => r !== undefined);
      if (failed) {
        await this.stop();
        throw failed;
      }
    }
  }

  /** Liveness: a process can be up and healthy once, then stuck; say so (and when it recovers). */
  private startMonitor(): void {
    const liveness = this.opts.liveness === undefined ? DEFAULT_LIVENESS : this.opts.liveness;
    if (liveness === false || this.monitor) return;
    let busy = false;
    this.monitor = setInterval(() => {
      if (busy || this.stopped) return;
      busy = true;
      void this.checkLiveness(liveness.timeoutMs).finally(() => (busy = false));
    }, liveness.intervalMs);
    this.monitor.unref();
  }

  private async checkLiveness(timeoutMs: number): Promise<void> {
    const slots = [...this.slots.values()].flat().filter((s) => s.instance.state === 'healthy');
    await Promise.all(
      slots.map(async ({ instance }) => {
        const pid = instance.pid;
        const ok = await instance.responsive(timeoutMs);
        if (instance.pid !== pid || instance.state !== 'healthy' || this.stopped) return; // restarted or stopped meanwhile
        const { service, instance: n } = instance.spec;
        if (!ok && !instance.unresponsive) {
          const detail = `its event loop has not answered for ${timeoutMs} ms (a busy loop, a breakpoint, or paused)`;
          instance.unresponsive = { since: Date.now() - timeoutMs, detail };
          this.log(service, n, 'warn', `not responding: ${detail}`);
          this.emit({ type: 'unresponsive', service, instance: n, detail });
        } else if (ok && instance.unresponsive) {
          const afterMs = Date.now() - instance.unresponsive.since;
          instance.unresponsive = undefined;
          this.log(service, n, 'info', `responding again after ${(afterMs / 1000).toFixed(1)} s`);
          this.emit({ type: 'responsive', service, instance: n, afterMs });
        }
      }),
    );
  }

  /** Stop all services, dependents first; `graceMs` before SIGKILL (0 = kill at once). */
  async stop(graceMs = 3000): Promise<void> {
    this.stopped = true;
    clearInterval(this.monitor);
    this.monitor = undefined;
    for (const wave of startWaves(this.opts.exercise.services).reverse()) {
      await Promise.all(wave.flatMap((s) => (this.slots.get(s.name) ?? []).map((slot) => slot.stop(graceMs))));
    }
    await this.faultProxy.stop(graceMs);
    this.reaper.close();
  }

  /** Restart one service (all replicas) on request, e.g. after the candidate changed code. */
  async restart(name: string): Promise<void> {
    const service = this.service(name);
    for (const slot of this.slots.get(name) ?? []) await slot.stop(3000);
    const failure = await this.startService(service);
    if (failure) throw failure;
  }

  status(): ServiceStatus[] {
    return this.opts.exercise.services.map((s) => {
      const slots = this.slots.get(s.name) ?? [];
      const instances = slots.map<InstanceStatus>((slot) => ({
        instance: slot.instance.spec.instance,
        state: slot.instance.state,
        pid: slot.instance.state === 'stopped' || slot.instance.state === 'failed' ? null : (slot.instance.pid ?? null),
        port: slot.instance.port,
        url: slot.instance.url,
        restarts: slot.restarts,
        ...(slot.instance.lastCrash ? { lastCrash: slot.instance.lastCrash } : {}),
        ...(slot.instance.unresponsive && slot.instance.state === 'healthy' ? { unresponsive: slot.instance.unresponsive } : {}),
        ...(s.role === 'candidate' && slot.instance.sandbox ? { sandbox: slot.instance.sandbox } : {}),
      }));
      const status: ServiceStatus = {
        name: s.name,
        title: s.title ?? s.name,
        role: s.role,
        url: this.link?.has(s.name) ? this.link.url(s.name) : (instances[0]?.url ?? ''),
        urls: instances.map((i) => i.url),
        health: s.health.path,
        instances,
      };
      if (s.database) status.database = path.resolve(this.opts.workspace, s.database.path);
      return status;
    });
  }

  /** Log records of every exercise service since `since` (epoch ms), oldest first. */
  recentLogs(since: number): LogRecord[] {
    return this.opts.exercise.services
      .flatMap((s) => (this.slots.get(s.name) ?? []).flatMap((slot) => slot.instance.logs.tail()))
      .filter((r) => r.time >= since)
      .sort((a, b) => a.time - b.time);
  }

  /** Recent log records of a service (all replicas), oldest first. */
  logTail(name: string, n = 40): LogRecord[] {
    return (this.slots.get(name) ?? [])
      .flatMap((slot) => slot.instance.logs.tail(n))
      .sort((a, b) => a.time - b.time)
      .slice(-n);
  }

  private service(name: string): Service {
    const s = this.opts.exercise.services.find((x) => x.name === name);
    if (!s) {
      const known = this.opts.exercise.services.map((x) => x.name).join(', ');
      throw new FaultlineError('usage', `unknown service "${name}"`, `services of this exercise: ${known}`);
    }
    return s;
  }

  private emit(event: SupervisorEvent): void {
    this.opts.onEvent?.(event);
    for (const l of [...this.listeners]) l(event);
  }

  /** Resolves on the next event matching `test`, or rejects after `timeoutMs`. */
  nextEvent(test: (e: SupervisorEvent) => boolean, timeoutMs: number): Promise<SupervisorEvent> {
    return new Promise((resolve, reject) => {
      const listener = (e: SupervisorEvent) => {
        if (!test(e)) return;
        this.listeners.delete(listener);
        clearTimeout(timer);
        resolve(e);
      };
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new FaultlineError('service-failed', `timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.listeners.add(listener);
    });
  }

  // --- fault proxy and process control (used by the chaos engine) -----------------------------

  get proxy(): ProxyLink {
    return this.faultProxy.link;
  }

  proxyStatus(): { url: string; pid: number | null; state: string; restarts: number } {
    return this.faultProxy.status();
  }

  /** Send a signal to every process of a service, or to one replica (1-based); returns their pids. */
  signal(name: string, sig: NodeJS.Signals, replica?: number): number[] {
    let slots = this.slots.get(this.service(name).name) ?? [];
    if (replica !== undefined) {
      const all = slots.length;
      slots = slots.filter((s) => s.instance.spec.instance === replica);
      if (slots.length === 0)
        throw new FaultlineError('usage', `${name} has no replica ${replica}`, `it runs ${all} replica(s), numbered from 1`);
    }
    const pids: number[] = [];
    for (const slot of slots) if (slot.instance.signal(sig) && slot.instance.pid) pids.push(slot.instance.pid);
    if (pids.length === 0) throw new FaultlineError('not-running', `${name} has no running process to signal`);
    return pids;
  }

  /** Change a preload setting in every process of a service, now and after restarts. */
  async setPreload(name: string, key: string, value: Record<string, unknown> | null): Promise<void> {
    this.service(name);
    const settings = { ...this.preloadSettings.get(name) };
    if (value === null) delete settings[key];
    else settings[key] = value;
    this.preloadSettings.set(name, settings);
    await Promise.all(
      (this.slots.get(name) ?? []).filter((s) => s.instance.state === 'healthy').map((s) => s.instance.call('set', { key, value })),
    );
  }

  /** Query counts (and more) measured by the preload in each process of a service. */
  async preloadStats(name: string, reset = false): Promise<PreloadStats[]> {
    this.service(name);
    return Promise.all(
      (this.slots.get(name) ?? [])
        .filter((s) => s.instance.state === 'healthy')
        .map((s) => s.instance.call(reset ? 'resetStats' : 'stats', {})),
    );
  }

  /** From now on kill the service `afterMs` after each start; `null` stops that. */
  crashLoop(name: string, afterMs: number | null): void {
    this.service(name);
    if (afterMs === null) this.crashLoops.delete(name);
    else {
      this.crashLoops.set(name, afterMs);
      for (const slot of this.slots.get(name) ?? []) if (slot.instance.state === 'healthy') this.scheduleCrash(slot, afterMs);
    }
  }

  private scheduleCrash(slot: Slot, afterMs: number): void {
    const pid = slot.instance.pid;
    setTimeout(() => {
      if (this.crashLoops.has(slot.instance.spec.service) && slot.instance.pid === pid && slot.instance.state === 'healthy') {
        slot.instance.signal('SIGKILL');
      }
    }, afterMs).unref();
  }

  /** Bring a service back to healthy: restart it if it gave up, wait if it is restarting. */
  async revive(name: string, timeoutMs = 60_000): Promise<void> {
    const slots = this.slots.get(this.service(name).name) ?? [];
    if (slots.some((s) => s.instance.state === 'failed' || s.instance.state === 'stopped')) {
      await this.restart(name);
      return;
    }
    const deadline = Date.now() + timeoutMs;
    while (slots.some((s) => s.instance.state !== 'healthy')) {
      if (Date.now() > deadline) throw new FaultlineError('service-failed', `${name} did not become healthy again within ${timeoutMs} ms`);
      await this.nextEvent(
        (e) => e.service === name && (e.type === 'healthy' || e.type === 'failed'),
        Math.max(1, deadline - Date.now()),
      ).catch(() => undefined);
      if (slots.some((s) => s.instance.state === 'failed')) {
        await this.restart(name);
        return;
      }
    }
  }

  private log(service: string, instance: number, level: LogRecord['level'], message: string): void {
    this.opts.onLog?.({ time: Date.now(), service, instance, level, stream: 'supervisor', message });
  }

  /** Template values as seen by `caller`: its dependencies' addresses are its edge listeners. */
  private templateContext(caller: Service): TemplateContext {
    const services = new Map<string, { url: string; port: number; urls: string[] }>();
    for (const dep of caller.dependsOn ?? []) {
      if (!this.link?.has(edgeId(caller.name, dep))) continue;
      const url = this.link.url(edgeId(caller.name, dep));
      const replicas = this.slots.get(dep)?.length ?? 1;
      const urls =
        replicas > 1 ? Array.from({ length: replicas }, (_, i) => this.link?.url(edgeId(caller.name, dep, i + 1)) ?? url) : [url];
      services.set(dep, { url, port: Number(new URL(url).port), urls });
    }
    return { workspace: this.opts.workspace, session: this.opts.sessionDir, exercise: this.opts.exercise.id, services };
  }

  /** Edge listeners from `caller` to each of its dependencies (one per replica too, for ${services.x.urls}). */
  private async ensureEdges(caller: Service): Promise<void> {
    for (const dep of caller.dependsOn ?? []) {
      const upstreams = (this.slots.get(dep) ?? []).map((s) => s.instance.url);
      if (upstreams.length === 0) continue;
      const protocol = this.service(dep).protocol ?? 'http';
      await this.proxy.listen({ id: edgeId(caller.name, dep), service: dep, from: caller.name, upstreams, protocol });
      if (upstreams.length > 1) {
        for (const [i, upstream] of upstreams.entries()) {
          await this.proxy.listen({
            id: edgeId(caller.name, dep, i + 1),
            service: dep,
            from: caller.name,
            upstreams: [upstream],
            protocol,
          });
        }
      }
    }
  }

  private static replicaOf(listenerId: string): number | undefined {
    const m = /#(\d+)$/.exec(listenerId);
    return m ? Number(m[1]) : undefined;
  }

  private buildSpec(service: Service, n: number, port?: number): SpawnSpec {
    const { install, runtime, workspace } = this.opts;
    const cwd = path.resolve(workspace, service.cwd ?? '.');
    const entry = service.role === 'candidate' ? path.resolve(cwd, service.entry) : path.join(install.serversDir, `${service.entry}.js`);
    if (!fs.existsSync(entry)) {
      throw new FaultlineError(
        'service-failed',
        `cannot start ${service.name}: ${service.role === 'candidate' ? 'entry file' : 'bundled server'} not found: ${entry}`,
        service.role === 'candidate' ? 'was the file renamed or deleted? restore it with git' : 'run `npm run build`',
      );
    }
    const basePort = service.port ?? 0;
    const requested = port ?? (basePort === 0 ? 0 : basePort + (n - 1));
    const ctx = this.templateContext(service);
    const own: Record<string, string> = {
      PORT: String(requested),
      HOST: '127.0.0.1',
      NODE_ENV: 'development',
      /** Which replica this process is (1-based), so replicas can say who answered. */
      REPLICA: String(n),
      FAULTLINE_PRELOAD_SETTINGS: JSON.stringify(this.preloadSettings.get(service.name) ?? {}),
    };
    if (service.database) {
      const db = path.resolve(workspace, service.database.path);
      fs.mkdirSync(path.dirname(db), { recursive: true });
      own['DATABASE_PATH'] = db;
    }
    for (const [k, v] of Object.entries(service.env ?? {})) own[k] = renderTemplate(v, ctx);
    let env: Record<string, string>;
    let sandbox: string[] = [];
    if (service.role === 'candidate') {
      // Candidate code: sandboxed, with an environment built from an allow-list (process/sandbox.ts).
      const tmp = path.join(workspace, DATA_DIR, 'tmp');
      fs.mkdirSync(tmp, { recursive: true });
      const policy = sandboxPolicy({
        workspace,
        runtimeModules: install.runtimeModules,
        preload: this.preload,
        widen: service.sandbox,
      });
      sandbox = sandboxArgs(policy, runtime.version);
      env = sandboxEnv({ runtimeEnv: runtime.env, tmpDir: tmp, set: own });
    } else {
      // Faultline's own servers: the interviewer's environment (less Faultline's own variables), their replica number.
      env = {};
      for (const [k, v] of Object.entries(process.env)) {
        if (v !== undefined && !k.startsWith('FAULTLINE_') && k !== 'NODE_OPTIONS') env[k] = v;
      }
      Object.assign(env, runtime.env, own, { FAULTLINE_SERVICE: service.name, FAULTLINE_INSTANCE: String(n) });
    }
    return {
      service: service.name,
      instance: n,
      execPath: runtime.execPath,
      args: [...sandbox, '--require', this.preload, ...(service.nodeArgs ?? []), entry, ...(service.args ?? [])],
      cwd,
      env,
      port: requested,
      healthPath: service.health.path,
      probeTimeoutMs: service.health.timeoutMs ?? 1000,
      startupTimeoutMs: service.health.startupTimeoutMs ?? 30_000,
      reaper: this.reaper,
      workspace,
    };
  }

  /**
   * Starts all replicas of a service. A restart keeps each replica's port, so URLs handed out
   * earlier stay valid. Resolves with an error describing the first failure, if any.
   */
  private async startService(service: Service): Promise<FaultlineError | undefined> {
    const replicas = service.replicas ?? 1;
    let slots = this.slots.get(service.name);
    try {
      await this.ensureEdges(service);
      if (!slots) {
        slots = Array.from({ length: replicas }, (_, i) => this.newSlot(service, i + 1));
        this.slots.set(service.name, slots);
      } else {
        for (const slot of slots)
          slot.instance.spec = this.buildSpec(service, slot.instance.spec.instance, slot.instance.port || undefined);
      }
    } catch (err) {
      return err instanceof FaultlineError ? err : new FaultlineError('service-failed', String(err));
    }
    this.stopped = false;
    const failures = await Promise.all(
      slots.map(async (slot) => {
        const outcome = await slot.start();
        return outcome.ok ? undefined : this.startFailure(service, slot, outcome);
      }),
    );
    const failure = failures.find((f) => f !== undefined) ?? (await this.sandboxFailure(service, slots));
    if (failure) return failure;
    this.startMonitor();
    try {
      await this.proxy.listen({
        id: service.name,
        service: service.name,
        upstreams: slots.map((s) => s.instance.url),
        protocol: service.protocol ?? 'http',
      });
    } catch (err) {
      return err instanceof FaultlineError
        ? err
        : new FaultlineError('service-failed', `cannot put ${service.name} behind the fault proxy: ${String(err)}`);
    }
    for (const slot of slots) this.announceAddress(service, slot);
    return undefined;
  }

  /**
   * One address per service: the log says which address clients use (the public one, through the
   * fault proxy), next to whatever the process printed about its own port, which bypasses chaos.
   */
  private announceAddress(service: Service, slot: Slot): void {
    if (!this.link?.has(service.name)) return;
    const replica = (this.slots.get(service.name)?.length ?? 1) > 1 ? ` (replica ${slot.instance.spec.instance})` : '';
    this.log(
      service.name,
      slot.instance.spec.instance,
      'info',
      `public address ${this.link.url(service.name)}: use this one; the process port :${slot.instance.port}${replica} bypasses chaos`,
    );
  }

  private newSlot(service: Service, n: number): Slot {
    return new Slot(this.buildSpec(service, n), {
      policy: this.policy,
      spec: (port) => this.buildSpec(service, n, port),
      afterHealthy: (slot) => this.afterHealthy(service, slot),
      emit: (e) => this.emit(e),
      log: (level, message) => this.log(service.name, n, level, message),
      onLog: (r) => this.opts.onLog?.(r),
      stopped: () => this.stopped,
    });
  }

  /** With `requireSandbox`, candidate code the runtime does not sandbox is stopped, with why and what to do. */
  private async sandboxFailure(service: Service, slots: Slot[]): Promise<FaultlineError | undefined> {
    if (!this.opts.requireSandbox || service.role !== 'candidate') return undefined;
    const open = slots.find((s) => s.instance.sandbox?.enforced !== true);
    if (!open) return undefined;
    for (const s of slots) await s.stop(1000);
    return new FaultlineError(
      'runtime-unavailable',
      `${service.name} would run unsandboxed: ${open.instance.sandbox?.detail ?? 'it reported no sandbox at all'}`,
      `run the services on a Node.js that enforces --permission (22.13 or newer): set faultline.nodePath or pass --node; Faultline's own Node is in ${path.join(this.opts.install.root, 'node_modules', 'node', 'bin')}`,
    );
  }

  /** Keep the proxy in step with a process that just became healthy. */
  private async afterHealthy(service: Service, slot: Slot): Promise<void> {
    const report = slot.instance.sandbox;
    if (service.role === 'candidate' && report)
      this.emit({ type: 'sandbox', service: service.name, instance: slot.instance.spec.instance, report });
    if (this.link) {
      const urls = (this.slots.get(service.name) ?? []).map((s) => s.instance.url);
      await this.link.updateUpstreams(service.name, urls, (id) => Supervisor.replicaOf(id));
      this.announceAddress(service, slot); // after a restart (the first start announces once listening)
    }
    const afterMs = this.crashLoops.get(service.name);
    if (afterMs !== undefined) this.scheduleCrash(slot, afterMs);
  }

  private startFailure(service: Service, slot: Slot, outcome: Extract<StartOutcome, { ok: false }>): FaultlineError {
    slot.failed(outcome);
    const crash = outcome.crash;
    const tail = this.logTail(service.name, 30)
      .map((r) => `${r.level.toUpperCase().padEnd(5)} ${r.message}`)
      .join('\n');
    if (crash?.exception?.code === 'EADDRINUSE') {
      return new FaultlineError(
        'port-in-use',
        `${service.name} could not listen on port ${slot.instance.spec.port}: the port is already in use`,
        `stop whatever uses port ${slot.instance.spec.port}, or set "port": 0 for ${service.name} in the manifest`,
        tail,
      );
    }
    return new FaultlineError(
      'service-failed',
      `${service.name} failed to start: ${outcome.reason}`,
      crash?.location ? `look at ${crash.location} in the workspace` : 'see the log tail below',
      crash?.exception ? `${crash.exception.stack}\n\n--- last log lines ---\n${tail}` : tail,
    );
  }
}
