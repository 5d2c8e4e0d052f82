/**
 * Bounded per-client buffers. Above SOFT bytes waiting for a client, its new frames are dropped
 * (counted); once it has lost MAX_DROPS frames, or holds more than HARD bytes, it is disconnected
 * with 4008 and a reason. A fast client never waits for a slow one: send() only queues.
 */

export interface Socket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string): void;
  close(code: number, reason: string): void;
}

export interface ClientState {
  dropped: number;
}

export type Delivery = 'sent' | 'dropped' | 'disconnected';

export const OPEN = 1;
export const SOFT_LIMIT_BYTES = 256 * 1024;
export const HARD_LIMIT_BYTES = 1024 * 1024;
export const MAX_DROPS = 500;

export function deliver(socket: Socket, data: string, state: ClientState): Delivery {
  if (socket.readyState !== OPEN) return 'disconnected';
  if (socket.bufferedAmount > HARD_LIMIT_BYTES || state.dropped >= MAX_DROPS) {
    socket.close(4008, `slow consumer: ${socket.bufferedAmount} bytes unread, ${state.dropped} frames dropped`);
    return 'disconnected';
  }
  if (socket.bufferedAmount > SOFT_LIMIT_BYTES) {
    state.dropped += 1;
    return 'dropped';
  }
  socket.send(data);
  return 'sent';
}
