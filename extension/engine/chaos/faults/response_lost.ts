import { Type } from '@sinclair/typebox';
import { matches, trafficFault, TRAFFIC } from './common';

/**
 * The request reaches the service and succeeds (it commits), but the answer never reaches the
 * client: the connection is reset after the service answered. Does the caller retry safely?
 */
export const responseLostAfterCommit = trafficFault({
  type: 'response_lost_after_commit',
  summary: 'Let the service commit, then lose its answer',
  description:
    'Forwards the request, waits for the complete answer (so the service has done the work), then resets ' +
    'the client connection. A client that retries blindly will apply the operation twice unless the ' +
    'operation is idempotent. `firstN` limits it to the first N matching requests.',
  params: Type.Object(
    {
      methods: Type.Array(Type.String(), { default: ['POST', 'PUT', 'PATCH', 'DELETE'], description: 'Methods affected.' }),
      firstN: Type.Optional(Type.Integer({ minimum: 1, description: 'Lose only the first N matching answers.' })),
      ...TRAFFIC,
    },
    { additionalProperties: false },
  ),
  toxic: {
    match: (p, req) => matches(p.match, req) && p.methods.map((m) => m.toUpperCase()).includes((req.method ?? 'GET').toUpperCase()),
    limit: (p) => p.firstN,
    async response(x, upstream) {
      x.injected();
      await new Promise<void>((resolve) => {
        upstream.on('end', resolve);
        upstream.on('error', () => resolve());
        upstream.resume();
      });
      x.req.socket.resetAndDestroy();
      return 'handled' as const;
    },
  },
});
