/** The seed's health check: healthy when the store is. */
import express from 'express';

export interface HealthDeps {
  checkStore(timeoutMs: number): Promise<void>;
  brokerConnected(): boolean;
}

export function healthRoutes(deps: HealthDeps): express.Router {
  const r = express.Router();
  const check = async (_req: express.Request, res: express.Response) => {
    try {
      await deps.checkStore(5000);
      res.json({ status: 'ok', checks: { store: { ok: true }, broker: { ok: deps.brokerConnected() } } });
    } catch (err) {
      res.status(503).json({ status: 'degraded', checks: { store: { ok: false, error: (err as Error).message } } });
    }
  };
  r.get('/health', check);
  r.get('/health/deep', check);
  return r;
}
