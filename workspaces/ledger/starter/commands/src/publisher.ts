/** Publishes committed events on the broker. */
import { topicFor, type StoredEvent } from '../../shared/events';
import type { MqttClient } from '../../shared/bus';
import type { Logger } from '../../shared/logger';

export interface Publisher {
  /** Called after the events were committed to the event store. */
  publish(events: StoredEvent[]): void;
}

export function busPublisher(bus: MqttClient, log: Logger): Publisher {
  return {
    publish(events) {
      for (const event of events) {
        if (!bus.connected) {
          // The event is safe in the event store; the read model will catch up. (Will it?)
          log.warn(`broker unavailable, event ${event.event_id} not published`);
          continue;
        }
        bus.publish(topicFor(event), JSON.stringify(event), { qos: 1 }, (err) => {
          if (err) log.warn(`publishing ${event.event_id} failed: ${err.message}`);
        });
      }
    },
  };
}
