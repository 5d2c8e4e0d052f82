/** Every frame is queued for every client; ws buffers whatever a client has not read yet. */

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

export function deliver(socket: Socket, data: string, _state: ClientState): Delivery {
  if (socket.readyState === OPEN) {
    socket.send(data);
    return 'sent';
  }
  return 'disconnected';
}
