import { Type } from '@sinclair/typebox';
import { runBurst } from '../burst';
import { FROM, jsonReply, trafficFault } from './common';

/**
 * Serves an interviewer endpoint on the service's address that fires N concurrent copies of a
 * request at the service (with the caller's credentials) and reports duplicate effects.
 */
export const concurrentBurst = trafficFault({
  type: 'concurrent_burst',
  layer: 'load',
  summary: 'Expose an endpoint that fires N concurrent calls and reports duplicate effects',
  description:
    'While active, `method path?countParam=N` on the service address is answered by the proxy: it sends N ' +
    "concurrent copies of `forward` (same headers and body, so the caller's token is used) to the service, " +
    'collects the ids in each answer, and reports which ids came back more than once. Field names of the ' +
    'report are configurable so it can match an existing API.',
  params: Type.Object(
    {
      path: Type.String({ pattern: '^/', default: '/burst', description: 'Path the proxy answers.' }),
      method: Type.String({ default: 'POST' }),
      forward: Type.Object(
        { method: Type.String({ default: 'POST' }), path: Type.String({ pattern: '^/' }) },
        { additionalProperties: false, description: 'The request to repeat concurrently.' },
      ),
      countParam: Type.String({ default: 'count', description: 'Query parameter with the number of concurrent calls.' }),
      defaultCount: Type.Integer({ minimum: 2, maximum: 100, default: 5 }),
      maxCount: Type.Integer({ minimum: 2, maximum: 200, default: 50 }),
      idField: Type.String({ default: 'id', description: 'Id field of the objects in each answer.' }),
      labels: Type.Object(
        {
          calls: Type.String({ default: 'concurrent_calls' }),
          results: Type.String({ default: 'results' }),
          index: Type.String({ default: 'call' }),
          count: Type.String({ default: 'count' }),
          ids: Type.String({ default: 'ids' }),
          detected: Type.String({ default: 'duplicates_detected' }),
          duplicates: Type.String({ default: 'duplicates' }),
          message: Type.String({ default: 'message' }),
        },
        { additionalProperties: false, default: {}, description: 'Field names of the report.' },
      ),
      messages: Type.Object(
        { found: Type.String({ default: 'Duplicate effects detected' }), none: Type.String({ default: 'No duplicate effects' }) },
        { additionalProperties: false, default: {} },
      ),
      ...FROM,
    },
    { additionalProperties: false },
  ),
  toxic: {
    match: (p, req) => (req.method ?? 'GET').toUpperCase() === p.method.toUpperCase() && (req.url ?? '/').split('?')[0] === p.path,
    async request(x, p) {
      x.injected();
      const url = new URL(x.req.url ?? '/', 'http://proxy');
      const raw = url.searchParams.get(p.countParam);
      const count = raw === null ? p.defaultCount : Number(raw);
      if (!Number.isInteger(count) || count < 1 || count > p.maxCount) {
        jsonReply(x.res, 422, { detail: `${p.countParam} must be an integer from 1 to ${p.maxCount}` });
        return 'handled' as const;
      }
      const chunks: Buffer[] = [];
      for await (const c of x.req) chunks.push(c as Buffer);
      const headers = { ...x.req.headers };
      delete headers['content-length'];
      delete headers['host'];
      const upstream = x.upstream();
      const result = await runBurst({
        url: `${upstream}${p.forward.path}`,
        method: p.forward.method,
        headers,
        body: Buffer.concat(chunks),
        count,
        idField: p.idField,
      });
      const l = p.labels;
      const found = result.duplicates.length > 0;
      jsonReply(x.res, 200, {
        [l.calls]: count,
        [l.results]: result.calls.map((c) =>
          c.error !== undefined ? { [l.index]: c.index, error: c.error } : { [l.index]: c.index, [l.count]: c.ids.length, [l.ids]: c.ids },
        ),
        [l.detected]: found,
        [l.duplicates]: result.duplicates,
        [l.message]: found ? p.messages.found : p.messages.none,
      });
      return 'handled' as const;
    },
  },
});
