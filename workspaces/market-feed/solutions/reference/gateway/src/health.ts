/**
 * /health is liveness/readiness of this process only: no I/O, so a slow store cannot get healthy
 * replicas pulled from the load balancer. /health/deep reports every dependency, each bounded by a
 * timeout, and says which one is degraded.
 */
import express from 'express';

export interface HealthDeps {
  checkStore(timeoutMs: number): Promise<void>;
  brokerConnected(): boolean;
}

const STORE_TIMEOUT_MS = 2000;

export function healthRoutes(deps: HealthDeps): express.Router {
  const r = express.Router();
  const started = Date.now();
  r.get('/health', (_req, res) => {
    res.json({ status: 'ok', uptime_s: Math.round((Date.now() - started) / 1000) });
  });
  r.get('/health/deep', async (_req, res) => {
    const t0 = Date.now();
    const store = await deps.checkStore(STORE_TIMEOUT_MS).then(
      () => ({ ok: true, ms: Date.now() - t0 }),
      (err: Error) => ({ ok: false, ms: Date.now() - t0, error: err.message }),
    );
    const broker = { ok: deps.brokerConnected() };
    const ok = store.ok && broker.ok;
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', checks: { store, broker } });
  });
  return r;
}
