/**
 * HTTP plumbing shared by the three services: JSON body parsing, the one-line
 * request log, and `serve()` (listen + graceful shutdown) used by every
 * `server.ts`.
 */
import http from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from './logger';

/** JSON bodies: application/json, application/*+json, or no content type at all. */
function isJsonRequest(req: IncomingMessage): boolean {
  const contentType = req.headers['content-type'];
  if (!contentType) return true;
  const mediaType = contentType.split(';')[0].trim().toLowerCase();
  return mediaType === 'application/json' || (mediaType.startsWith('application/') && mediaType.endsWith('+json'));
}

/** Parses JSON request bodies (malformed JSON becomes a 422, see errors.ts). */
export function jsonBody(): RequestHandler {
  return express.json({ type: isJsonRequest, strict: false });
}

/** Logs one line per request: `INFO  POST /api/orders 201 3.1ms`. */
export function requestLogger(logger: Logger): RequestHandler {
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

export interface ServeOptions {
  port: number;
  host: string;
  logger: Logger;
  /** Called once the server has closed (e.g. to close the database). */
  onClose?: () => Promise<void>;
}

/**
 * Listens with `app` and shuts down gracefully on SIGTERM/SIGINT: stop accepting
 * connections, give in-flight requests up to 5 s, run `onClose`, exit.
 */
export async function serve(app: Express, options: ServeOptions): Promise<http.Server> {
  const { logger } = options;
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  logger.announce(`listening on http://${options.host}:${port}`);

  let shuttingDown = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info(`received ${signal}, shutting down`);
    const force = setTimeout(() => server.closeAllConnections(), 5000);
    force.unref();
    server.close(() => {
      (options.onClose ?? (async () => undefined))().then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error(`error while shutting down: ${String(err)}`);
          process.exit(0);
        },
      );
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  return server;
}

/**
 * Runs a server's `main()`. Start-up failures are re-thrown outside the
 * promise chain so they surface as an uncaught exception with a full stack
 * trace (and a non-zero exit code).
 */
export function run(main: () => Promise<unknown>): void {
  main().catch((err: unknown) => {
    process.nextTick(() => {
      throw err;
    });
  });
}
