/**
 * TASK (c): health checks.
 *
 * The provided load balancer probes every replica's GET /health once a second with a 1 s timeout;
 * a replica whose probe fails leaves the rotation and its WebSocket clients are disconnected.
 *
 * - GET /health answers whether THIS process can serve (is it up, is its event loop alive) — fast.
 * - GET /health/deep reports each dependency (the store, the broker): 200 {status:"ok", checks}
 *   when all are fine, 503 {status:"degraded", checks} otherwise — never hanging longer than a
 *   bounded time.
 */
import express from 'express';

export interface HealthDeps {
  /** Resolves when the store answers its own health check within timeoutMs; rejects otherwise. */
  checkStore(timeoutMs: number): Promise<void>;
  brokerConnected(): boolean;
}

export function healthRoutes(deps: HealthDeps): express.Router {
  const r = express.Router();
  // TODO(c): this is what we have today. Is the store's health really ours?
  const check = async (_req: express.Request, res: express.Response) => {
    try {
      await deps.checkStore(10_000);
      res.json({ status: 'ok', broker: deps.brokerConnected() });
    } catch (err) {
      res.status(503).json({ status: 'down', error: (err as Error).message });
    }
  };
  r.get('/health', check);
  r.get('/health/deep', check);
  return r;
}
