import { Type } from '@sinclair/typebox';
import { matches, trafficFault, TRAFFIC } from './common';

/** Resets the client's TCP connection (RST) instead of answering. */
export const resetPeer = trafficFault({
  type: 'reset_peer',
  summary: 'Reset the connection (TCP RST) instead of answering',
  description:
    'Matching requests are answered with a TCP reset: clients see ECONNRESET / "socket hang up". On a TCP listener new ' +
    'connections are reset at once, and open ones the next time a byte crosses them.',
  params: Type.Object({ ...TRAFFIC }, { additionalProperties: false }),
  toxic: {
    match: (p, req) => matches(p.match, req),
    request(x) {
      x.injected();
      x.req.socket.resetAndDestroy();
      return 'handled' as const;
    },
    upgrade(socket) {
      socket.resetAndDestroy();
      return 'handled' as const;
    },
    connection(x) {
      x.affected();
      x.reset();
      return 'handled' as const;
    },
    chunk(x) {
      x.affected();
      x.reset();
      return 'handled' as const;
    },
  },
});
