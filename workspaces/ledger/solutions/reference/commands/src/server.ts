/** Starts the command API: DATABASE_PATH (event store), BROKER_URL, PORT. */
import { connectBus } from '../../shared/bus';
import { createLogger } from '../../shared/logger';
import { createApp } from './app';
import { Ledger } from './ledger';
import { OutboxRelay } from './relay';
import { seed } from './seed';
import { EventStore, openDatabase } from './store';

const log = createLogger('commands');
const store = new EventStore(openDatabase(process.env['DATABASE_PATH'] ?? 'data/events.db'));
const seeded = seed(store);
if (seeded > 0) log.info(`seeded ${seeded} accounts`);

const bus = connectBus(process.env['BROKER_URL'] ?? 'tcp://127.0.0.1:1883', `commands-${process.pid}`);
bus.on('connect', () => log.info('connected to the broker'));
bus.on('close', () => log.warn('disconnected from the broker'));
bus.on('error', (err) => log.warn(`broker: ${err.message}`));

const relay = new OutboxRelay(store, bus, log);
relay.start();

const app = createApp({ ledger: new Ledger(store, relay), log });
const server = app.listen(Number(process.env['PORT'] ?? 4000), process.env['HOST'] ?? '127.0.0.1', () => {
  log.info(`command API on port ${JSON.stringify(server.address())}`);
});

const stop = () => {
  relay.stop();
  server.close();
  bus.end(true);
  store.db.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
