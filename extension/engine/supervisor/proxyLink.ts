/**
 * The engine's side of the fault proxy: the desired state (listeners with their ports, faults,
 * fixed routes) and a typed client. The proxy process can die and come back; `replay()` restores
 * everything on the same ports, so URLs handed out stay valid and active faults stay active.
 */
import { FaultlineError } from '../errors';
import type { ListenerInfo, ListenerMetrics, ListenerSpec, ProxyFaultSpec, StaticRoute } from '../model/proxy';
import { proxyApi } from '../protocol/proxy';
import { apiClient, type Client } from '../protocol/rpc';

export class ProxyLink {
  private client: Client<typeof proxyApi>;
  private readonly listeners = new Map<string, ListenerSpec & { port: number }>();
  private readonly faults = new Map<string, ProxyFaultSpec>();
  private readonly statics = new Map<string, StaticRoute[]>();

  constructor(
    private control: string,
    private readonly token: string,
  ) {
    this.client = apiClient(proxyApi, control, token);
  }

  /** Point at a (restarted) proxy process and restore the desired state there. */
  async replay(url: string): Promise<void> {
    this.control = url;
    this.client = apiClient(proxyApi, url, this.token);
    for (const spec of this.listeners.values()) await this.client.listen(spec);
    for (const [listener, routes] of this.statics) await this.client.setStaticRoutes({ listener, routes });
    for (const f of this.faults.values()) await this.client.addFault(f);
  }

  /** A dead proxy is a clear, specific error (the supervisor is already restarting it). */
  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof FaultlineError && err.code === 'not-running') {
        throw new FaultlineError(
          'not-running',
          `the fault proxy is not answering (${what}: ${err.message})`,
          'the supervisor restarts it by itself; try again in a moment, or run `faultline status` to see it',
        );
      }
      throw err;
    }
  }

  get controlUrl(): string {
    return this.control;
  }

  async listen(spec: ListenerSpec): Promise<ListenerInfo> {
    const previous = this.listeners.get(spec.id);
    const info = await this.call('listen', () => this.client.listen({ ...spec, port: spec.port ?? previous?.port ?? 0 }));
    this.listeners.set(spec.id, { ...spec, port: info.port });
    return info;
  }

  url(listenerId: string): string {
    const l = this.listeners.get(listenerId);
    if (!l) throw new FaultlineError('service-failed', `no proxy listener "${listenerId}"`);
    return `${l.protocol === 'tcp' ? 'tcp' : 'http'}://127.0.0.1:${l.port}`;
  }

  has(listenerId: string): boolean {
    return this.listeners.has(listenerId);
  }

  /** A service moved (restart on another port): every listener in front of it follows. */
  async updateUpstreams(service: string, upstreams: string[], replicaOf?: (id: string) => number | undefined): Promise<void> {
    for (const spec of this.listeners.values()) {
      if (spec.service !== service) continue;
      const replica = replicaOf?.(spec.id);
      const wanted = replica !== undefined ? [upstreams[replica - 1] ?? upstreams[0] ?? ''] : upstreams;
      if (wanted.join() === spec.upstreams.join()) continue;
      spec.upstreams = wanted;
      await this.call('set upstreams', () => this.client.setUpstreams({ id: spec.id, upstreams: wanted }));
    }
  }

  /** Listener ids carrying traffic to `service`; only the edge from `from` when given. */
  listenersTo(service: string, from?: string): string[] {
    return [...this.listeners.values()].filter((l) => l.service === service && (from === undefined || l.from === from)).map((l) => l.id);
  }

  async addFault(spec: ProxyFaultSpec): Promise<void> {
    await this.call('add fault', () => this.client.addFault(spec));
    this.faults.set(spec.id, spec);
  }

  async removeFault(id: string): Promise<void> {
    this.faults.delete(id);
    await this.call('remove fault', () => this.client.removeFault({ id }));
  }

  async setStaticRoutes(listener: string, routes: StaticRoute[]): Promise<void> {
    this.statics.set(listener, routes);
    await this.call('set routes', () => this.client.setStaticRoutes({ listener, routes }));
  }

  metrics(): Promise<ListenerMetrics[]> {
    return this.call('metrics', () => this.client.metrics(null));
  }

  resetMetrics(): Promise<unknown> {
    return this.call('reset metrics', () => this.client.resetMetrics({}));
  }

  activeFaults(): ProxyFaultSpec[] {
    return [...this.faults.values()];
  }
}
