import { Transform } from 'node:stream';
import { Type } from '@sinclair/typebox';
import { matches, sleep, trafficFault, TRAFFIC } from './common';

/** Limits the answer's throughput. */
export const bandwidth = trafficFault({
  type: 'bandwidth',
  summary: 'Limit response throughput to some bytes per second',
  description:
    'Answers are streamed to the client at most `bytesPerSecond` (in chunks of at most 1/20 s worth). On a TCP listener ' +
    'the bytes from the service to the client are throttled, on open connections too.',
  params: Type.Object(
    {
      bytesPerSecond: Type.Integer({ minimum: 1, default: 16_384, description: 'Maximum response throughput.' }),
      ...TRAFFIC,
    },
    { additionalProperties: false },
  ),
  toxic: {
    match: (p, req) => matches(p.match, req),
    async chunk(x, p) {
      if (x.direction !== 'out') return 'continue' as const;
      x.affected();
      await sleep((x.bytes.length / p.bytesPerSecond) * 1000, x.released);
      return 'continue' as const;
    },
    body(p) {
      const slice = Math.max(1, Math.floor(p.bytesPerSecond / 20));
      return new Transform({
        transform(chunk: Buffer, _enc, done) {
          let offset = 0;
          const push = () => {
            if (offset >= chunk.length) {
              done();
              return;
            }
            const part = chunk.subarray(offset, offset + slice);
            offset += part.length;
            this.push(part);
            setTimeout(push, (part.length / p.bytesPerSecond) * 1000);
          };
          push();
        },
      });
    },
  },
});
