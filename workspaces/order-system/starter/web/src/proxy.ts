/**
 * A minimal reverse proxy for the JSON APIs, so the browser talks to one
 * origin: the request (method, path, query, headers, body) goes to the
 * upstream service unchanged, and its status, headers and body come back
 * unchanged. When the
 * upstream cannot be reached the answer is 502 {"detail": "..."}.
 */
import express, { Router } from 'express';
import type { Logger } from '../../shared/logger';

export interface ProxyOptions {
  /** Name used in logs and error messages, e.g. "inventory". */
  name: string;
  baseUrl: string;
  timeoutMs: number;
  logger: Logger;
}

/** Headers that describe one connection (or the body encoding) rather than the request: not forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'accept-encoding',
  'content-encoding',
]);

function endToEnd(headers: Iterable<[string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of headers) if (!HOP_BY_HOP.has(name.toLowerCase())) out[name] = value;
  return out;
}

export function apiProxy(options: ProxyOptions): Router {
  const { name, baseUrl, timeoutMs, logger } = options;
  const router = Router();
  router.use(express.raw({ type: () => true, limit: '1mb' }));
  router.use(async (req, res) => {
    const requestHeaders = Object.entries(req.headers).flatMap(([header, value]): [string, string][] =>
      value === undefined ? [] : [[header, Array.isArray(value) ? value.join(', ') : value]],
    );
    const headers = endToEnd(requestHeaders);
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && Buffer.isBuffer(req.body) && req.body.length > 0;
    let upstream: Response;
    let body: Buffer;
    try {
      upstream = await fetch(`${baseUrl}${req.originalUrl}`, {
        method: req.method,
        headers,
        body: hasBody ? (req.body as Buffer) : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      });
      body = Buffer.from(await upstream.arrayBuffer());
    } catch (err) {
      const reason = err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : String(err);
      logger.warn(`${name} service unavailable for ${req.method} ${req.originalUrl}: ${reason}`);
      res.status(502).json({ detail: `Bad gateway: the ${name} service is unavailable` });
      return;
    }
    res.status(upstream.status).set(endToEnd(upstream.headers.entries()));
    res.send(body);
  });
  return router;
}
