/** Starts the projector: DATABASE_PATH (read model), BROKER_URL, COMMANDS_URL (event store), PORT. */
import { connectBus } from '../../shared/bus';
import { createLogger } from '../../shared/logger';
import { createApp } from './app';
import { Consumer } from './consumer';
import { httpEventSource } from './eventSource';
import { Projection } from './projection';
import { openReadModel } from './readModel';

const log = createLogger('projector');
const projection = new Projection(openReadModel(process.env['DATABASE_PATH'] ?? 'data/read-model.db'));
const consumer = new Consumer(projection, httpEventSource(process.env['COMMANDS_URL'] ?? 'http://127.0.0.1:4000'), log);

// A persistent session: the broker keeps our subscription and queues messages while we are away.
const bus = connectBus(process.env['BROKER_URL'] ?? 'tcp://127.0.0.1:1883', 'projector', { clean: false });
bus.on('connect', () => log.info('connected to the broker'));
bus.on('close', () => log.warn('disconnected from the broker'));
bus.on('error', (err) => log.warn(`broker: ${err.message}`));

async function main(): Promise<void> {
  await consumer.start(bus);
  const app = createApp({
    projection,
    status: { connected: () => bus.connected, applied: () => consumer.applied, lastEventAt: () => consumer.lastEventAt },
    log,
  });
  const server = app.listen(Number(process.env['PORT'] ?? 4002), process.env['HOST'] ?? '127.0.0.1', () => {
    log.info(`projector API on ${JSON.stringify(server.address())}`);
  });
  const stop = () => {
    server.close();
    bus.end(true);
    projection.db.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  log.error(`projector failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
