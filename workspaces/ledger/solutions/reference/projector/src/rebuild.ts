/**
 * `npm run rebuild-read-model`: rebuild the read model (READ_MODEL_PATH, default data/read-model.db)
 * from every event of the event store, read through the command API (COMMANDS_URL). Every event is
 * replayed in order into an empty read model, in one transaction; running it twice gives the same
 * read model. The projector may keep running: it continues from the rebuilt position.
 */
import { eventsAfter, httpEventSource } from './eventSource';
import { Projection } from './projection';
import { openReadModel } from './readModel';
import type { StoredEvent } from '../../shared/events';

async function main(): Promise<void> {
  const file = process.env['READ_MODEL_PATH'] ?? 'data/read-model.db';
  const source = httpEventSource(process.env['COMMANDS_URL'] ?? 'http://127.0.0.1:4000');
  const events: StoredEvent[] = [];
  for await (const event of eventsAfter(source, 0)) events.push(event);
  const projection = new Projection(openReadModel(file));
  projection.rebuild(events);
  console.log(`rebuilt ${file} from ${events.length} event(s); position ${projection.position()}`);
  projection.db.close();
}

main().catch((err: unknown) => {
  console.error(`rebuild-read-model failed: ${(err as Error).message}`);
  process.exit(1);
});
