import { Type } from '@sinclair/typebox';
import { matches, sleep, trafficFault, TRAFFIC } from './common';

/** Delays requests (or responses) by a fixed time plus uniform jitter. */
export const latency = trafficFault({
  type: 'latency',
  summary: 'Delay requests by a fixed time plus jitter',
  description:
    'Holds each matching request for `ms` ± `jitterMs` before forwarding it (or holds the answer, with ' +
    '`direction: "response"`). On a TCP listener every chunk of bytes going that way (client → service for ' +
    '"request") is delayed, on open connections too. Removing the fault releases every held request at once.',
  params: Type.Object(
    {
      ms: Type.Integer({ minimum: 0, maximum: 600_000, default: 300, description: 'Added delay in milliseconds.' }),
      jitterMs: Type.Integer({ minimum: 0, maximum: 600_000, default: 0, description: 'Uniform random ± spread around `ms`.' }),
      direction: Type.Union([Type.Literal('request'), Type.Literal('response')], {
        default: 'request',
        description: 'Delay before forwarding the request, or before returning the answer.',
      }),
      ...TRAFFIC,
    },
    { additionalProperties: false },
  ),
  toxic: {
    match: (p, req) => matches(p.match, req),
    async request(x, p) {
      if (p.direction !== 'request') return 'continue' as const;
      x.affected();
      await sleep(delay(p.ms, p.jitterMs, x.random), x.released);
      return 'continue' as const;
    },
    async response(x, _upstream, p) {
      if (p.direction !== 'response') return 'continue' as const;
      x.affected();
      await sleep(delay(p.ms, p.jitterMs, x.random), x.released);
      return 'continue' as const;
    },
    async upgrade(_socket, p, { released, random }) {
      await sleep(delay(p.ms, p.jitterMs, random), released);
      return 'continue' as const;
    },
    // TCP: every chunk one way is held until `ms` after the proxy read it (chunks stay pipelined).
    async chunk(x, p) {
      if ((p.direction === 'request') !== (x.direction === 'in')) return 'continue' as const;
      x.affected();
      await sleep(delay(p.ms, p.jitterMs, x.random) - (performance.now() - x.readAt), x.released);
      return 'continue' as const;
    },
  },
});

/** The delay of one request: `ms` ± a uniform share of `jitterMs`, never negative. */
export function delay(ms: number, jitter: number, random: () => number): number {
  return Math.max(0, Math.round(ms + (random() * 2 - 1) * jitter));
}
