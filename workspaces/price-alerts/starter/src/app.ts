import type { IncomingMessage } from 'node:http';
import express, { type Express, type RequestHandler } from 'express';
import { alertsRouter } from './alerts/routes';
import { authRouter } from './auth/routes';
import type { AppContext } from './context';
import { errorHandler, notFoundHandler } from './errors';
import type { Logger } from './logger';
import { portfolioRouter } from './portfolio/routes';
import { stocksRouter } from './stocks/routes';
import { tradingRouter } from './trading/routes';
import { watchlistRouter } from './watchlist/routes';

export type { AppContext } from './context';

/** JSON bodies: application/json, application/*+json, or no content type at all. */
function isJsonRequest(req: IncomingMessage): boolean {
  const contentType = req.headers['content-type'];
  if (!contentType) return true;
  const mediaType = contentType.split(';')[0].trim().toLowerCase();
  return mediaType === 'application/json' || (mediaType.startsWith('application/') && mediaType.endsWith('+json'));
}

/** Logs one line per request: `INFO  POST /alerts 201 3.1ms`. */
function requestLogger(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
      const path = req.originalUrl.split('?')[0];
      logger.info(`${req.method} ${path} ${res.statusCode} ${elapsedMs.toFixed(1)}ms`);
    });
    next();
  };
}

/**
 * Builds the Express application. It never listens by itself: see
 * src/server.ts (and test/helpers.ts) for that.
 */
export function createApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use(requestLogger(ctx.logger));
  app.use(express.json({ type: isJsonRequest, strict: false }));
  app.use(express.urlencoded({ extended: false }));

  app.get('/', (_req, res) => {
    res.json({
      message: 'Welcome to Robinhood Clone API',
      version: '1.0.0',
      docs: '/docs',
      endpoints: {
        auth: '/auth',
        stocks: '/stocks',
        orders: '/orders',
        portfolio: '/portfolio',
        watchlist: '/watchlist',
        alerts: '/alerts',
      },
    });
  });

  app.get('/health', (_req, res) => {
    res.json({ status: 'healthy' });
  });

  app.use('/auth', authRouter(ctx));
  app.use('/stocks', stocksRouter(ctx));
  app.use('/orders', tradingRouter(ctx));
  app.use('/portfolio', portfolioRouter(ctx));
  app.use('/watchlist', watchlistRouter(ctx));
  app.use('/alerts', alertsRouter(ctx));

  app.use(notFoundHandler);
  app.use(errorHandler(ctx.logger));
  return app;
}
