import { Type } from '@sinclair/typebox';
import type { FaultType } from '../types';

/** A message broker delivers every message twice (at-least-once delivery, made visible). */
export const duplicateDelivery: FaultType = {
  type: 'duplicate_delivery',
  layer: 'network',
  summary: 'The message broker delivers every message twice',
  description:
    'Targets a bundled `broker` service (servers/broker): while active, every message a client publishes is ' +
    'published a second time by the broker, so each subscriber receives it twice — what at-least-once delivery ' +
    'does after a lost acknowledgement or a reconnect. With a `probability` below 1, that share of messages is ' +
    'duplicated (seeded). Consumers that are not idempotent apply the second copy too.',
  target: 'required',
  needs: { server: 'broker' },
  params: Type.Object({}, { additionalProperties: false }),
  async apply(ctx, _p, fault) {
    await ctx.process.setPreload(ctx.target as string, 'duplicateDelivery', {
      probability: fault.probability,
      seed: ctx.random.int(0, 2 ** 31 - 1),
    });
    return { service: ctx.target };
  },
  async revert(ctx, undo) {
    await ctx.process.setPreload(String(undo['service']), 'duplicateDelivery', null);
  },
};
