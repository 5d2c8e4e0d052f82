import { serve, run } from '../../shared/http';
import { createLogger } from '../../shared/logger';
import { createApp } from './app';
import { loadConfig } from './config';

run(async () => {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel });
  logger.info(`inventory service at ${config.inventoryUrl}, order service at ${config.ordersUrl}`);
  await serve(createApp({ logger, config }), { port: config.port, host: config.host, logger });
});
