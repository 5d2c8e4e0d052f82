/**
 * What the HTTP and TCP listeners of the fault proxy share: listening on 127.0.0.1, and being held
 * down by a `down` or `partition` fault (refuse connections, drop open ones), then listening again
 * on the same port once the last hold is released.
 */
import type * as net from 'node:net';
import type { ListenerControl } from '../../extension/engine/chaos/types';

export abstract class HoldableListener implements ListenerControl {
  abstract readonly id: string;
  abstract readonly service: string;
  abstract readonly from: string | undefined;
  abstract readonly server: net.Server;
  port = 0;
  private holds = 0;
  private listening = false;

  /** Drop every open connection (the listener is going down). */
  protected abstract dropAll(): void;
  /** A line for the proxy's log. */
  protected abstract say(line: string): void;

  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', onError);
        resolve();
      });
    });
    this.listening = true;
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  hold(down: boolean): void {
    this.holds = Math.max(0, this.holds + (down ? 1 : -1));
    if (this.holds > 0 && this.listening) {
      this.listening = false;
      this.server.close();
      this.dropAll();
      this.say(`${this.id} is down (refusing connections on ${this.port})`);
    } else if (this.holds === 0 && !this.listening) {
      this.listen(this.port).then(
        () => this.say(`${this.id} is listening again on ${this.port}`),
        (err: unknown) => this.say(`ERROR ${this.id} cannot listen again on ${this.port}: ${String(err)}`),
      );
    }
  }

  get down(): boolean {
    return this.holds > 0;
  }

  /** Stop for good: no longer listening, every connection dropped, the server closed. */
  protected async shut(): Promise<void> {
    this.listening = false;
    this.dropAll();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
