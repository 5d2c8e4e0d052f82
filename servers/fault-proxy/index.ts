/**
 * Fault proxy process. Started by the supervisor before any service; its control API (declared in
 * extension/engine/protocol/proxy.ts) listens on PORT, 127.0.0.1 only, behind the session token
 * in FAULTLINE_PROXY_TOKEN. Listeners for services are created through that API.
 */
import { proxyApi } from '../../extension/engine/protocol/proxy';
import { serveApi } from '../../extension/engine/protocol/rpc';
import { FaultProxy } from './proxy';

async function main(): Promise<void> {
  const token = process.env['FAULTLINE_PROXY_TOKEN'];
  if (!token) {
    console.error('ERROR FAULTLINE_PROXY_TOKEN is not set; the fault proxy only runs under the Faultline supervisor');
    process.exit(2);
  }
  const proxy = new FaultProxy((line) => console.log(line));
  const control = await serveApi(
    proxyApi,
    {
      health: () => ({ ok: true, pid: process.pid, ...proxy.counts() }),
      listen: (spec) => proxy.listen(spec),
      setUpstreams: ({ id, upstreams }) => proxy.setUpstreams(id, upstreams),
      listeners: () => proxy.listenerInfos(),
      addFault: (spec) => {
        proxy.addFault(spec);
        return { id: spec.id };
      },
      removeFault: ({ id }) => proxy.removeFault(id),
      faults: () => proxy.faultSpecs(),
      setStaticRoutes: ({ listener, routes }) => {
        proxy.setStaticRoutes(listener, routes);
        return {};
      },
      metrics: () => proxy.metrics(),
      resetMetrics: () => {
        proxy.resetMetrics();
        return {};
      },
    },
    { token, port: Number(process.env['PORT'] ?? 0) },
  );
  console.log(`INFO  fault proxy control API on ${control.url}`);
  const stop = () => {
    void Promise.all([control.close(), proxy.close()]).then(() => process.exit(0));
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
