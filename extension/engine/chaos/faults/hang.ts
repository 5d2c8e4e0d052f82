import { Type } from '@sinclair/typebox';
import { matches, sleep, trafficFault, TRAFFIC } from './common';

/** Accepts requests and never answers (a timeout), until removed or until `holdMs` passes. */
export const hang = trafficFault({
  type: 'hang',
  summary: 'Accept requests but never answer (timeouts)',
  description:
    'The connection stays open and silent: clients see their own timeout. With `holdMs`, the proxy gives up ' +
    'after that time and closes the connection. Removing the fault lets every held request through ' +
    '(unlike toxics that hang on removal).',
  params: Type.Object(
    {
      holdMs: Type.Integer({
        minimum: 0,
        default: 0,
        description: 'Close the connection after this long; 0 = hold until the fault is removed.',
      }),
      ...TRAFFIC,
    },
    { additionalProperties: false },
  ),
  toxic: {
    match: (p, req) => matches(p.match, req),
    async request(x, p) {
      x.injected();
      await sleep(p.holdMs > 0 ? p.holdMs : 2 ** 31 - 1, x.released);
      if (x.released.aborted) return 'continue' as const;
      x.req.socket.destroy();
      return 'handled' as const;
    },
    async upgrade(socket, p, { released }) {
      await sleep(p.holdMs > 0 ? p.holdMs : 2 ** 31 - 1, released);
      if (released.aborted) return 'continue' as const;
      socket.destroy();
      return 'handled' as const;
    },
  },
});
