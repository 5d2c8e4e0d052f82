/** Feeds the projection: what it missed at start-up (from the event store), then every message from the broker. */
import { EVENTS_TOPIC, type StoredEvent } from '../../shared/events';
import type { MqttClient } from '../../shared/bus';
import type { Logger } from '../../shared/logger';
import { eventsAfter, type EventSource } from './eventSource';
import type { Projection } from './projection';

export class Consumer {
  applied = 0;
  lastEventAt: string | null = null;

  constructor(
    private readonly projection: Projection,
    private readonly source: EventSource,
    private readonly log: Logger,
  ) {}

  /** Catches up from the event store, then subscribes. */
  async start(bus: MqttClient): Promise<void> {
    const from = this.projection.position();
    let n = 0;
    for await (const event of eventsAfter(this.source, from)) {
      this.apply(event);
      n++;
    }
    this.log.info(`caught up ${n} event(s) after position ${from}`);
    // Acknowledge a message only once it is applied: unacknowledged messages are delivered again.
    bus.handleMessage = (packet, done) => {
      try {
        this.apply(JSON.parse(String(packet.payload)) as StoredEvent);
      } catch (err) {
        this.log.error(`cannot apply message on ${packet.topic}: ${(err as Error).message}`);
      }
      done();
    };
    bus.subscribe(`${EVENTS_TOPIC}/#`, { qos: 1 }, (err) => {
      if (err) this.log.error(`cannot subscribe: ${err.message}`);
    });
  }

  apply(event: StoredEvent): void {
    this.projection.apply(event);
    this.applied++;
    this.lastEventAt = event.created_at;
  }
}
