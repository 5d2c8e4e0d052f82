import express, { type Express } from 'express';
import { errorHandler, notFoundHandler } from '../../shared/errors';
import { jsonBody, requestLogger } from '../../shared/http';
import type { AppContext } from './context';
import { docsRouter } from './docs/routes';
import { productsRouter } from './products/routes';

export type { AppContext } from './context';

/**
 * Builds the inventory service. It never listens by itself: see server.ts
 * (and test/helpers.ts) for that.
 */
export function createApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use(requestLogger(ctx.logger));
  app.use(jsonBody());

  app.get('/', (_req, res) => {
    res.json({ service: 'inventory', version: '1.0.0', docs: '/docs', endpoints: { products: '/api/products' } });
  });
  app.get('/health', (_req, res) => {
    res.json({ status: 'healthy', service: 'inventory' });
  });

  app.use(docsRouter());
  app.use('/api/products', productsRouter(ctx));

  app.use(notFoundHandler);
  app.use(errorHandler(ctx.logger));
  return app;
}
