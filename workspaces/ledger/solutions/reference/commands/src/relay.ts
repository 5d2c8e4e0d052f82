/**
 * The outbox relay: publishes committed events that are not published yet (QoS 1; marked published
 * once the broker acknowledged them). A broker that is down only delays publishing: the events wait
 * in the outbox and go out when it is back. At least once: a crash between the acknowledgement and
 * the mark publishes an event again, which the projector ignores.
 */
import { topicFor } from '../../shared/events';
import type { MqttClient } from '../../shared/bus';
import type { Logger } from '../../shared/logger';
import type { Publisher } from './publisher';
import type { EventStore } from './store';

const PUBLISH_TIMEOUT_MS = 5000;

export class OutboxRelay implements Publisher {
  private busy = false;
  private again = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly bus: MqttClient,
    private readonly log: Logger,
  ) {}

  start(intervalMs = 500): void {
    this.bus.on('connect', () => this.publish());
    this.timer = setInterval(() => this.publish(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The events are in the outbox already: just wake the relay. */
  publish(): void {
    if (this.busy) {
      this.again = true;
      return;
    }
    if (!this.bus.connected) return;
    this.busy = true;
    void this.flush()
      .catch((err: unknown) => this.log.warn(`outbox relay: ${(err as Error).message}; retrying`))
      .finally(() => {
        this.busy = false;
        if (this.again) {
          this.again = false;
          this.publish();
        }
      });
  }

  private async flush(): Promise<void> {
    for (;;) {
      if (!this.bus.connected) return;
      const batch = this.store.claimOutbox(100, PUBLISH_TIMEOUT_MS * 2);
      if (batch.length === 0) return;
      for (const event of batch) {
        await withTimeout(this.bus.publishAsync(topicFor(event), JSON.stringify(event), { qos: 1 }), PUBLISH_TIMEOUT_MS);
        this.store.markPublished(event.seq);
      }
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no acknowledgement from the broker within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
