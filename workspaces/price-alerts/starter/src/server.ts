import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import { loadConfig } from './config';
import { migrateLatest, openDatabase } from './db';
import { seedStocks } from './db/seed';
import { createLogger } from './logger';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel });

  const db = openDatabase(config.databasePath);
  const applied = await migrateLatest(db);
  if (applied.length > 0) logger.info(`applied migrations: ${applied.join(', ')}`);
  const seeded = await seedStocks(db);
  if (seeded > 0) logger.info(`seeded ${seeded} stocks`);

  const app = createApp({ db, logger, config });
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  logger.announce(`listening on http://${config.host}:${port}`);

  let shuttingDown = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info(`received ${signal}, shutting down`);
    // Give in-flight requests a moment, then drop any remaining connections.
    const force = setTimeout(() => server.closeAllConnections(), 5000);
    force.unref();
    server.close(() => {
      db.destroy().then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error(`error while closing the database: ${String(err)}`);
          process.exit(0);
        },
      );
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  // Re-throw outside the promise chain so start-up failures surface as an
  // uncaught exception with a full stack trace (and a non-zero exit code).
  process.nextTick(() => {
    throw err;
  });
});
