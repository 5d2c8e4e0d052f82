/** Starts the query API over the projector's read model: READ_MODEL_PATH, PORT. */
import { createLogger } from '../../shared/logger';
import { openReadModel } from '../../projector/src/readModel';
import { createApp } from './app';

const log = createLogger('queries');
const db = openReadModel(process.env['READ_MODEL_PATH'] ?? 'data/read-model.db');
const app = createApp({ db, log });
const server = app.listen(Number(process.env['PORT'] ?? 4001), process.env['HOST'] ?? '127.0.0.1', () => {
  log.info(`query API on ${JSON.stringify(server.address())}`);
});

const stop = () => {
  server.close();
  db.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
