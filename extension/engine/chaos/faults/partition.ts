import { Type } from '@sinclair/typebox';
import type { FaultType } from '../types';
import { sleep } from './common';

const params = Type.Object(
  {
    between: Type.Tuple([Type.String(), Type.String()], { description: 'The two services that can no longer talk to each other.' }),
    mode: Type.Union([Type.Literal('blackhole'), Type.Literal('refuse')], {
      default: 'blackhole',
      description: '"blackhole": requests hang (packets dropped, callers time out); "refuse": connections are refused.',
    }),
  },
  { additionalProperties: false },
);

/** Cuts the traffic between two services in both directions; everyone else still reaches both. */
export const partition: FaultType<typeof params> = {
  type: 'partition',
  layer: 'network',
  summary: 'Cut the network between two services (both directions)',
  description:
    'Only the calls between the two services fail; clients and other services still reach both, like a ' +
    'split network. "blackhole" holds requests until the caller times out; "refuse" refuses connections.',
  target: 'none',
  params,
  services: (p) => p.between.map((name, i) => ({ path: ['between', i], name })),
  toxic: {
    attach(listener, p) {
      if (p.mode !== 'refuse') return () => undefined;
      listener.hold(true);
      return () => listener.hold(false);
    },
    async request(x, p) {
      if (p.mode !== 'blackhole') return 'continue' as const;
      x.injected();
      await sleep(2 ** 31 - 1, x.released);
      return 'continue' as const;
    },
    async upgrade(_socket, p, { released }) {
      if (p.mode === 'blackhole') await sleep(2 ** 31 - 1, released);
      return 'continue' as const;
    },
    // TCP: a blackhole holds new connections and every byte of open ones until the fault is removed.
    async connection(x, p) {
      if (p.mode !== 'blackhole') return 'continue' as const;
      x.affected();
      await sleep(2 ** 31 - 1, x.released);
      return 'continue' as const;
    },
    async chunk(x, p) {
      if (p.mode !== 'blackhole') return 'continue' as const;
      x.affected();
      await sleep(2 ** 31 - 1, x.released);
      return 'continue' as const;
    },
  },
  async apply(ctx, p, fault) {
    const [a, b] = p.between;
    const listeners = [...ctx.proxy.listenersTo(b, a), ...ctx.proxy.listenersTo(a, b)];
    if (listeners.length === 0) throw new Error(`${a} and ${b} do not talk to each other (neither depends on the other)`);
    await ctx.proxy.addFault({
      id: fault.id,
      type: 'partition',
      listeners,
      probability: fault.probability,
      seed: ctx.random.int(0, 2 ** 31 - 1),
      params: p,
    });
    return { proxyFault: fault.id, listeners };
  },
  async revert(ctx, undo) {
    await ctx.proxy.removeFault(String(undo['proxyFault']));
  },
};
