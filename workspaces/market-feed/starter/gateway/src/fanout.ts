/**
 * TASK (d): slow consumers. The hub calls `deliver` for every frame to every subscribed client.
 * `socket.bufferedAmount` is what the gateway holds in memory for a client that has not read it yet.
 *
 * A client that reads slowly must not make the gateway hold unbounded memory for it (and must not
 * stall anyone else): bound each client's buffer — drop frames for it (counting them in
 * `state.dropped`), and disconnect it with a close code and a reason it can read once it is hopeless.
 */

/** The part of a `ws` WebSocket that delivery needs. */
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

export function deliver(socket: Socket, data: string, state: ClientState): Delivery {
  // TODO(d): bound what we buffer for one client.
  void state;
  if (socket.readyState !== OPEN) return 'disconnected';
  socket.send(data);
  return 'sent';
}
