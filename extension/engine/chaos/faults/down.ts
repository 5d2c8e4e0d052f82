import { Type } from '@sinclair/typebox';
import { FROM, trafficFault } from './common';

/** The service is unreachable: its address refuses connections. */
export const down = trafficFault({
  type: 'down',
  summary: 'Refuse connections to the service (it looks down)',
  description:
    "The proxy stops listening on the service's address and drops open connections, so clients get " +
    '"connection refused" — the service process itself keeps running. Removing the fault listens again on the same port.',
  params: Type.Object({ ...FROM }, { additionalProperties: false }),
  toxic: {
    attach(listener) {
      listener.hold(true);
      return () => listener.hold(false);
    },
  },
});
