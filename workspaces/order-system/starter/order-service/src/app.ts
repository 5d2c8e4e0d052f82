import express, { type Express } from 'express';
import { errorHandler, notFoundHandler } from '../../shared/errors';
import { jsonBody, requestLogger } from '../../shared/http';
import type { AppContext, AppOptions } from './context';
import { createInventoryClient } from './inventory-client';
import { ordersRouter } from './orders/routes';

export type { AppContext, AppOptions } from './context';

/**
 * Builds the order service. It never listens by itself: see server.ts (and
 * test/helpers.ts) for that.
 */
export function createApp(options: AppOptions): Express {
  const { config, logger } = options;
  const ctx: AppContext = {
    ...options,
    inventory: createInventoryClient({ baseUrl: config.inventoryUrl, timeoutMs: config.inventoryTimeoutMs, logger }),
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use(requestLogger(logger));
  app.use(jsonBody());

  app.get('/', (_req, res) => {
    res.json({ service: 'orders', version: '1.0.0', endpoints: { orders: '/api/orders' } });
  });
  app.get('/health', (_req, res) => {
    res.json({ status: 'healthy', service: 'orders' });
  });

  app.use('/api/orders', ordersRouter(ctx));

  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
