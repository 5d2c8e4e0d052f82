import { serve, run } from '../../shared/http';
import { createLogger } from '../../shared/logger';
import { createApp } from './app';
import { loadConfig } from './config';
import { migrateLatest, openDatabase } from './db';

run(async () => {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel });

  const db = openDatabase(config.databasePath);
  const applied = await migrateLatest(db);
  if (applied.length > 0) logger.info(`applied migrations: ${applied.join(', ')}`);
  logger.info(`inventory service at ${config.inventoryUrl}`);

  const app = createApp({ db, logger, config });
  await serve(app, { port: config.port, host: config.host, logger, onClose: () => db.destroy() });
});
