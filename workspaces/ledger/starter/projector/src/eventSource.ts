/** Reads the event store through the command API (`GET /events?after=<seq>`), oldest first. */
import type { StoredEvent } from '../../shared/events';

export type EventSource = (after: number, limit: number) => Promise<StoredEvent[]>;

export function httpEventSource(commandsUrl: string): EventSource {
  return async (after, limit) => {
    const res = await fetch(`${commandsUrl}/events?after=${after}&limit=${limit}`, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`GET /events answered ${res.status}`);
    return ((await res.json()) as { events: StoredEvent[] }).events;
  };
}

/** Every event after `after`, page by page. */
export async function* eventsAfter(source: EventSource, after: number, pageSize = 500): AsyncGenerator<StoredEvent> {
  let position = after;
  for (;;) {
    const page = await source(position, pageSize);
    for (const event of page) {
      yield event;
      position = event.seq;
    }
    if (page.length < pageSize) return;
  }
}
