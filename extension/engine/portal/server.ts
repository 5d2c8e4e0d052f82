/**
 * The candidate portal server: a small page for the candidate (brief, service URLs, hints
 * received, time left) on its own port on 127.0.0.1, live over a WebSocket. It serves exactly
 * three files and two data endpoints; what the data contains is decided by `view.ts` alone.
 *
 * - Files come from a fixed table (URL path → file under the install root), so no request path
 *   is ever joined to a folder: `/../`, `%2e%2e`, absolute paths or backslashes simply are not
 *   in the table (404, with no file system paths in the answer).
 * - GET and HEAD only (405 otherwise); a strict Content-Security-Policy (nothing from elsewhere,
 *   no inline script or style); `nosniff`; no caching.
 * - Host check (DNS rebinding, see protocol/hosts.ts): the Host header must name a loopback
 *   host at any port, or one of `allowHosts`. Any port, because Live Share's
 *   `shareServer` (and SSH-style forwards) tunnel a port of the guest's own localhost, which may
 *   differ from ours, to this one: the guest's browser sends `localhost:<their port>`. A relay
 *   that rewrites Host to its own name (a web-based proxy) must be added to `allowHosts` by the
 *   caller. WebSocket upgrades must also come from a page of an accepted host (Origin), so a
 *   page on another site the candidate visits cannot subscribe.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { ErrorCode } from '../errors';
import type { Install } from '../install';
import type { WireError } from '../protocol/rpc';
import type { PortalMessage, PortalView } from '../model/portal';
import { PORTAL_PATHS, portalApi } from '../protocol/portal';
import { hostAccepted, hostName, originHost } from '../protocol/hosts';
import type { Timeline } from '../timeline';
import type { PortalLogFeed } from './logFeed';
import { portalHint } from './view';
import type { TimelineEvent } from '../model/interview';

export interface PortalOptions {
  install: Install;
  /** Builds the current view (`buildPortalView`); called per request and on every change. */
  view: () => PortalView;
  /** `hint.sent`, `phase.start` and session events are pushed to connected pages. */
  timeline?: Timeline;
  /** Port to try first (the previous session's, so an open page reconnects); 0 or taken → any free port. */
  port?: number;
  /** Host names accepted besides the loopback ones (e.g. a relay that rewrites Host). */
  allowHosts?: string[];
  /** The services' output, pushed to connected pages (recent lines on connect). */
  logs?: PortalLogFeed;
}

export interface Portal {
  url: string;
  port: number;
  /** Something outside the timeline changed (a service restarted): push the view if it differs. */
  notify(): void;
  close(): Promise<void>;
}

/** Timeline events that change what the portal shows. */
const PUSHED = new Set(['session.start', 'session.stop', 'hint.sent', 'phase.start']);
const HEARTBEAT_MS = 30_000;

/** The page's files: URL path → path under the install root. Nothing else is ever read. */
export function portalAssets(install: Install): Map<string, { file: string; type: string }> {
  const media = path.join(install.root, 'media', 'portal');
  const html = { file: path.join(media, 'index.html'), type: 'text/html; charset=utf-8' };
  return new Map([
    [PORTAL_PATHS.page, html],
    ['/index.html', html],
    [PORTAL_PATHS.css, { file: path.join(media, 'portal.css'), type: 'text/css; charset=utf-8' }],
    [PORTAL_PATHS.script, { file: path.join(install.root, 'dist', 'portal', 'portal.js'), type: 'text/javascript; charset=utf-8' }],
  ]);
}

export async function startPortal(opts: PortalOptions): Promise<Portal> {
  const assets = portalAssets(opts.install);
  const accepted = new Set((opts.allowHosts ?? []).map((h) => h.toLowerCase()));
  const hostOk = (req: http.IncomingMessage) => hostAccepted(req.headers.host, accepted);

  const security = (host: string | undefined): Record<string, string> => {
    // Same-origin WebSocket, spelled out too for browsers whose 'self' does not cover ws:.
    const self = host && hostName(host) ? ` ws://${host} wss://${host}` : '';
    return {
      'content-security-policy':
        `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'${self}; ` +
        "base-uri 'none'; form-action 'none'",
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cross-origin-resource-policy': 'same-origin',
      'cache-control': 'no-store',
    };
  };

  const server = http.createServer((req, res) => {
    const headOnly = req.method === 'HEAD';
    const send = (status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}) => {
      const buffer = typeof body === 'string' ? Buffer.from(body) : body;
      res.writeHead(status, { ...security(req.headers.host), 'content-type': type, 'content-length': String(buffer.length), ...extra });
      res.end(headOnly ? undefined : buffer);
    };
    const fail = (status: number, code: ErrorCode, message: string, extra: Record<string, string> = {}) =>
      send(status, 'application/json; charset=utf-8', JSON.stringify({ error: { code, message } } satisfies WireError), extra);

    if (!hostOk(req)) return fail(403, 'control-unauthorized', 'forbidden host');
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405, 'usage', 'the portal is read-only', { allow: 'GET, HEAD' });
    const target = req.url ?? '';
    if (!target.startsWith('/')) return fail(400, 'usage', 'bad request target');
    const pathname = target.split('?')[0] ?? '';
    if (pathname === portalApi.view.path) {
      let view: PortalView;
      try {
        view = opts.view();
      } catch {
        return fail(500, 'control-failed', 'the portal could not build its view');
      }
      return send(200, 'application/json; charset=utf-8', JSON.stringify(view));
    }
    if (pathname === PORTAL_PATHS.socket) return fail(426, 'usage', 'this is the WebSocket endpoint', { upgrade: 'websocket' });
    const asset = assets.get(pathname);
    if (!asset) return fail(404, 'usage', 'not found');
    fs.readFile(asset.file, (err, data) => {
      if (err) return fail(404, 'usage', 'not found (is Faultline built?)');
      send(200, asset.type, data);
    });
  });
  server.keepAliveTimeout = 1000;

  // --- live updates -----------------------------------------------------------------------------
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const alive = new WeakMap<WebSocket, boolean>();
  let lastKey = '';
  const sendTo = (ws: WebSocket, message: PortalMessage) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  };
  const broadcast = (message: PortalMessage) => {
    for (const ws of wss.clients) sendTo(ws, message);
  };
  const keyOf = (view: PortalView) => JSON.stringify({ ...view, now: '' });
  const pushView = (force: boolean) => {
    if (wss.clients.size === 0 && !force) return;
    let view: PortalView;
    try {
      view = opts.view();
    } catch {
      return; // the next change tries again; the page keeps what it has
    }
    const key = keyOf(view);
    if (!force && key === lastKey) return;
    lastKey = key;
    broadcast({ type: 'view', view });
  };

  const refuse = (socket: Duplex, status: number, text: string) => {
    socket.end(`HTTP/1.1 ${status} ${text}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  };
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    if (!hostOk(req)) return refuse(socket, 403, 'Forbidden');
    const origin = req.headers.origin;
    if (origin !== undefined && !hostAccepted(originHost(origin) ?? undefined, accepted)) return refuse(socket, 403, 'Forbidden');
    if ((req.url ?? '').split('?')[0] !== PORTAL_PATHS.socket) return refuse(socket, 404, 'Not Found');
    wss.handleUpgrade(req, socket, head, (ws) => {
      alive.set(ws, true);
      ws.on('pong', () => alive.set(ws, true));
      ws.on('error', () => undefined);
      // The page only listens; anything it sends is ignored.
      try {
        const view = opts.view();
        lastKey = keyOf(view);
        sendTo(ws, { type: 'view', view });
      } catch {
        ws.close(1011, 'no view');
        return;
      }
      if (opts.logs) sendTo(ws, { type: 'logs', lines: opts.logs.recent(), skipped: 0 });
    });
  });
  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  const onEvent = (event: TimelineEvent) => {
    if (!PUSHED.has(event.type)) return;
    if (event.type === 'hint.sent') broadcast({ type: 'hint', hint: portalHint(event) });
    pushView(false);
  };
  const unsubscribe = opts.timeline?.onAppend(onEvent);
  const unsubscribeLogs = opts.logs?.subscribe((batch) => broadcast({ type: 'logs', ...batch }));

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      server.once('error', onError);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', onError);
        resolve();
      });
    });
  try {
    await listen(opts.port ?? 0);
  } catch (err) {
    if (!opts.port || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    await listen(0);
  }
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    notify: () => pushView(false),
    close: () => {
      closing ??= (async () => {
        unsubscribe?.();
        unsubscribeLogs?.();
        clearInterval(heartbeat);
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        // Pages learn the session ended (1001) and start reconnecting; whoever does not finish
        // the closing handshake promptly is cut off.
        const sockets = [...wss.clients];
        const closed = Promise.all(sockets.map((ws) => new Promise<void>((resolve) => ws.once('close', () => resolve()))));
        for (const ws of sockets) ws.close(1001, 'the session ended');
        const timer = setTimeout(() => sockets.forEach((ws) => ws.terminate()), 1000);
        await closed;
        clearTimeout(timer);
        wss.close();
        await stopped;
      })();
      return closing;
    },
  };
}
