/** The projector's own small HTTP API: health, progress, and rebuilding the read model. */
import type { Express } from 'express';
import { finish, jsonApp } from '../../shared/http';
import type { Logger } from '../../shared/logger';
import type { Projection } from './projection';

export interface ProjectorStatus {
  connected: () => boolean;
  applied: () => number;
  lastEventAt: () => string | null;
  rebuild: () => Promise<{ events: number; position: number }>;
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

  /** Replays every event of the store into an empty read model (idempotent: run it twice, same result). */
  app.post('/admin/rebuild', async (_req, res) => {
    const { events, position } = await status.rebuild();
    res.json({ success: true, events, position });
  });

  finish(app, (line) => log.error(line));
  return app;
}
