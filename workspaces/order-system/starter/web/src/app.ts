import path from 'node:path';
import express, { type Express } from 'express';
import { errorHandler, notFoundHandler } from '../../shared/errors';
import { requestLogger } from '../../shared/http';
import type { Logger } from '../../shared/logger';
import type { WebConfig } from './config';
import { apiProxy } from './proxy';

export interface AppOptions {
  logger: Logger;
  config: WebConfig;
}

/** The static page: web/public (index.html, app.js, styles.css). */
export const PUBLIC_DIR = path.resolve(__dirname, '..', 'public');

/**
 * Builds the web frontend: the static shop page, plus /api/products (proxied
 * to the inventory service) and /api/orders (proxied to the order service).
 * It never listens by itself: see server.ts (and test/helpers.ts).
 */
export function createApp({ logger, config }: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use(requestLogger(logger));

  app.get('/health', (_req, res) => {
    res.json({ status: 'healthy', service: 'web' });
  });

  const timeoutMs = config.upstreamTimeoutMs;
  app.use('/api/products', apiProxy({ name: 'inventory', baseUrl: config.inventoryUrl, timeoutMs, logger }));
  app.use('/api/orders', apiProxy({ name: 'order', baseUrl: config.ordersUrl, timeoutMs, logger }));

  app.use(express.static(PUBLIC_DIR, { index: 'index.html' }));

  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
