/** The projector's own small HTTP API: health, progress, and rebuilding the read model. */
import type { Express } from 'express';
import { finish, jsonApp } from '../../shared/http';
import type { Logger } from '../../shared/logger';
import type { Projection } from './projection';

export interface ProjectorStatus {
  connected: () => boolean;
  applied: () => number;
  lastEventAt: () => string | null;
}

export function createApp({ projection, status, log }: { projection: Projection; status: ProjectorStatus; log: Logger }): Express {
  const app = jsonApp();

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', position: projection.position(), broker: status.connected() ? 'connected' : 'disconnected' });
  });

  app.get('/status', (_req, res) => {
    res.json({
      position: projection.position(),
      applied: status.applied(),
      last_event_at: status.lastEventAt(),
      broker: status.connected() ? 'connected' : 'disconnected',
    });
  });

  // TODO (task e): rebuild the read model from the event store (see projector/src/rebuild.ts).
  app.post('/admin/rebuild', (_req, res) => {
    res.status(501).json({ error: 'Rebuilding the read model is not implemented yet' });
  });

  finish(app, (line) => log.error(line));
  return app;
}
