/**
 * Feeds the projection, one event at a time and in order of the event store's positions:
 * - at start-up, what it missed since its last position (read from the event store);
 * - then every message from the broker. A message from the future (a position gap: a message lost,
 *   or published out of order by two relays) first catches up from the event store; a message
 *   already applied is acknowledged and ignored (the projection is idempotent).
 * Messages are acknowledged only once applied, so a crash mid-batch gets them delivered again.
 */
import { EVENTS_TOPIC, type StoredEvent } from '../../shared/events';
import type { MqttClient } from '../../shared/bus';
import type { Logger } from '../../shared/logger';
import { eventsAfter, type EventSource } from './eventSource';
import type { Projection } from './projection';

export class Consumer {
  applied = 0;
  lastEventAt: string | null = null;
  /** Everything that touches the projection runs one after the other. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly projection: Projection,
    private readonly source: EventSource,
    private readonly log: Logger,
  ) {}

  private serial<T>(work: () => Promise<T> | T): Promise<T> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  async start(bus: MqttClient): Promise<void> {
    const n = await this.serial(() => this.catchUp());
    this.log.info(`caught up ${n} event(s); position ${this.projection.position()}`);
    bus.handleMessage = (packet, done) => {
      let event: StoredEvent;
      try {
        event = JSON.parse(String(packet.payload)) as StoredEvent;
      } catch {
        this.log.warn(`ignoring a message on ${packet.topic} that is not JSON`);
        done();
        return;
      }
      this.serial(() => this.receive(event)).then(
        () => done(),
        (err: unknown) => {
          // Not acknowledged: the broker delivers it again (and a restart catches up from the store).
          this.log.error(`cannot apply event ${event.event_id}: ${(err as Error).message}`);
        },
      );
    };
    bus.subscribe(`${EVENTS_TOPIC}/#`, { qos: 1 }, (err) => {
      if (err) this.log.error(`cannot subscribe: ${err.message}`);
    });
  }

  private async receive(event: StoredEvent): Promise<void> {
    const position = this.projection.position();
    if (event.seq <= position) {
      this.note(event, this.projection.apply(event));
      return;
    }
    if (event.seq > position + 1) await this.catchUp();
    this.note(event, this.projection.apply(event));
  }

  /** Applies every event of the store after the current position. */
  private async catchUp(): Promise<number> {
    let n = 0;
    for await (const event of eventsAfter(this.source, this.projection.position())) {
      this.note(event, this.projection.apply(event));
      n++;
    }
    return n;
  }

  /** Rebuilds the read model from every event of the store (in order; running it twice changes nothing). */
  rebuild(): Promise<{ events: number; position: number }> {
    return this.serial(async () => {
      const events: StoredEvent[] = [];
      for await (const event of eventsAfter(this.source, 0)) events.push(event);
      this.projection.rebuild(events);
      this.log.info(`rebuilt the read model from ${events.length} event(s)`);
      return { events: events.length, position: this.projection.position() };
    });
  }

  private note(event: StoredEvent, applied: boolean): void {
    if (!applied) return;
    this.applied++;
    this.lastEventAt = event.created_at;
  }
}
