/**
 * Test helpers for the candidate portal: a WebSocket subscriber that waits for messages (never
 * sleeps), and raw HTTP requests with a path and Host exactly as given (fetch normalises both).
 */
import * as http from 'node:http';
import WebSocket from 'ws';
import type { PortalMessage } from '../../extension/engine/model/portal';

export interface PortalSocket {
  /** Every message received so far, in order. */
  messages: PortalMessage[];
  /** The first message (from `from` on) matching `match`; rejects after `timeoutMs` or when the socket closes. */
  next<T extends PortalMessage>(match: (m: PortalMessage) => m is T, what: string, timeoutMs?: number, from?: number): Promise<T>;
  next(match: (m: PortalMessage) => boolean, what: string, timeoutMs?: number, from?: number): Promise<PortalMessage>;
  /** Resolves with the close code. */
  closed: Promise<number>;
  close(): void;
}

/** Connects to `<portal>/ws`; resolves once open. */
export function openPortalSocket(portalUrl: string, headers: Record<string, string> = {}): Promise<PortalSocket> {
  const url = new URL('ws', portalUrl);
  url.protocol = 'ws:';
  const ws = new WebSocket(url, { headers });
  const messages: PortalMessage[] = [];
  const waiters = new Set<() => void>();
  let closeCode: number | undefined;
  const closed = new Promise<number>((resolve) =>
    ws.on('close', (code) => {
      closeCode = code;
      for (const w of waiters) w();
      resolve(code);
    }),
  );
  ws.on('message', (data: WebSocket.RawData) => {
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Buffer.from(new Uint8Array(data)).toString('utf8');
    messages.push(JSON.parse(text) as PortalMessage);
    for (const w of waiters) w();
  });
  const socket: PortalSocket = {
    messages,
    next: (match: (m: PortalMessage) => boolean, what: string, timeoutMs = 15_000, from = 0) =>
      new Promise<PortalMessage>((resolve, reject) => {
        const check = () => {
          const found = messages.slice(from).find(match);
          if (found) return done(() => resolve(found));
          if (closeCode !== undefined) return done(() => reject(new Error(`the portal socket closed (${closeCode}) before ${what}`)));
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`no ${what} within ${timeoutMs} ms; got ${messages.map((m) => m.type).join(', ')}`))),
          timeoutMs,
        );
        const done = (settle: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        check();
      }),
    closed,
    close: () => ws.close(),
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(socket));
    ws.once('error', reject);
    ws.once('unexpected-response', (req, res) => {
      res.resume();
      req.destroy();
      reject(new Error(`WebSocket refused: HTTP ${res.statusCode}`));
    });
  });
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP request with the request target and Host header exactly as given. */
export function rawRequest(
  portalUrl: string,
  target: string,
  opts: { method?: string; host?: string; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const base = new URL(portalUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: base.hostname,
      port: base.port,
      method: opts.method ?? 'GET',
      path: target,
      setHost: false,
      headers: { host: opts.host ?? base.host, connection: 'close', ...opts.headers },
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
