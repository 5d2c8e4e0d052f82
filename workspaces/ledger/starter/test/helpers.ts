/** Test fixtures: each service's app on port 0 over an in-memory SQLite database, no broker needed. */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { after } from 'node:test';
import { createApp as commandsApp } from '../commands/src/app';
import { Ledger } from '../commands/src/ledger';
import type { Publisher } from '../commands/src/publisher';
import { EventStore, openDatabase } from '../commands/src/store';
import { createApp as queriesApp } from '../queries/src/app';
import { Projection } from '../projector/src/projection';
import { openReadModel } from '../projector/src/readModel';
import type { StoredEvent } from '../shared/events';
import { createLogger } from '../shared/logger';

export const quiet = createLogger('test', true);

/** A publisher that remembers what it was given. */
export function recordingPublisher(): Publisher & { published: StoredEvent[] } {
  const published: StoredEvent[] = [];
  return { published, publish: (events) => published.push(...events) };
}

async function listen(app: { listen: (port: number, host: string, cb: () => void) => Server }): Promise<string> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  after(() => server.close());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The command API over a fresh in-memory event store. */
export async function commands(): Promise<{ url: string; store: EventStore; published: StoredEvent[] }> {
  const store = new EventStore(openDatabase(':memory:'));
  const publisher = recordingPublisher();
  const url = await listen(commandsApp({ ledger: new Ledger(store, publisher), log: quiet }));
  return { url, store, published: publisher.published };
}

/** A projection over a fresh in-memory read model, and the query API over it. */
export async function readSide(): Promise<{ url: string; projection: Projection }> {
  const projection = new Projection(openReadModel(':memory:'));
  const url = await listen(queriesApp({ db: projection.db, log: quiet }));
  return { url, projection };
}

export async function post(url: string, path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export async function get(url: string, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url + path);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

let seq = 0;
/** An event as the store would hand it out. */
export function event(partial: Partial<StoredEvent> & Pick<StoredEvent, 'aggregate_id' | 'event_type' | 'version'>): StoredEvent {
  seq++;
  return {
    seq,
    event_id: `evt-${seq}`,
    event_version: 2,
    data: {},
    created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
    ...partial,
  };
}
