import * as http from 'node:http';
import { Type } from '@sinclair/typebox';
import { jsonReply, matches, trafficFault, TRAFFIC } from './common';

/** Answers with an HTTP error instead of the service: at a rate (probability) or for the first N requests. */
export const httpError = trafficFault({
  type: 'http_error',
  summary: 'Answer with an HTTP error status instead of the service',
  description:
    'Matching requests never reach the service; the proxy answers `status` with a JSON body. Use `probability` ' +
    'for an error rate (e.g. 0.05 for 5% 503s) or `firstN` to fail only the first N matching requests ' +
    '(then everything passes), e.g. to test retries.',
  params: Type.Object(
    {
      status: Type.Integer({ minimum: 400, maximum: 599, default: 503, description: 'Status code to answer with.' }),
      body: Type.Optional(Type.Unknown({ description: 'JSON body; default {"detail": "<reason phrase>"}.' })),
      firstN: Type.Optional(Type.Integer({ minimum: 1, description: 'Fail only the first N matching requests.' })),
      retryAfterSeconds: Type.Optional(Type.Integer({ minimum: 0, description: 'Adds a Retry-After header.' })),
      ...TRAFFIC,
    },
    { additionalProperties: false },
  ),
  toxic: {
    match: (p, req) => matches(p.match, req),
    limit: (p) => p.firstN,
    request(x, p) {
      x.injected();
      const body = p.body ?? { detail: http.STATUS_CODES[p.status] ?? 'Error' };
      jsonReply(x.res, p.status, body, p.retryAfterSeconds !== undefined ? { 'retry-after': String(p.retryAfterSeconds) } : {});
      return 'handled' as const;
    },
    upgrade(socket, p) {
      socket.end(`HTTP/1.1 ${p.status} ${http.STATUS_CODES[p.status] ?? 'Error'}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      return 'handled' as const;
    },
  },
});
