/**
 * Loaded with `--require` into every service process the supervisor starts. It never touches the
 * candidate's source; it only observes and guards the process from the outside:
 *
 * - listen guard: servers bind 127.0.0.1 even when the code asks for every interface, and the
 *   bound port is reported to the supervisor (so services can listen on port 0);
 * - sandbox (./sandbox.ts): guards for what the permission model does not check (native addons,
 *   SQLite files, signals) and a report at boot of whether the sandbox is enforced;
 * - crash report: an uncaught exception is written synchronously to a pipe the supervisor holds
 *   (FAULTLINE_CRASH_FD), stack included, before Node prints it and exits;
 * - orphan watchdog: when the supervisor disappears (even after kill -9) the service exits, also
 *   when its main thread is stuck in an endless loop (the check runs on a worker thread);
 * - instrumentation (./instrument.ts): database query counts and latency, clock skew — set by the
 *   chaos engine over IPC and, for restarts, from FAULTLINE_PRELOAD_SETTINGS.
 *
 * Plain Node APIs only: this file is bundled on its own and runs on any Node ≥ 18 or Electron.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { Worker } from 'node:worker_threads';
import type { PreloadIpc, PreloadSettingKey, PreloadSettings } from '../../extension/engine/model/ipc';
import { hostAccepted } from '../../extension/engine/protocol/hosts';
import { serveIpc } from '../../extension/engine/protocol/ipc';
import { getStats, install, resetStats, set } from './instrument';
import { installSandbox } from './sandbox';

const LOOPBACK = '127.0.0.1';

interface ListeningMessage {
  type: 'faultline:listening';
  port: number;
  address: string;
}

function send(message: ListeningMessage): void {
  if (typeof process.send === 'function' && process.connected) {
    try {
      process.send(message);
    } catch {
      // supervisor gone: the watchdog takes care of us
    }
  }
}

// --- Host guard (DNS rebinding) --------------------------------------------------------------
// A service answers loopback host names only (protocol/hosts.ts), whatever server its code builds
// on node:http (Express, ws): a page elsewhere that resolves its own name to 127.0.0.1 gets 421.
// eslint-disable-next-line @typescript-eslint/unbound-method -- re-applied with the right `this` below
const originalEmit = http.Server.prototype.emit;
http.Server.prototype.emit = function guardedEmit(this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
  if (event === 'request' || event === 'upgrade') {
    const req = args[0] as http.IncomingMessage;
    if (!hostAccepted(req.headers.host)) {
      const body = `this service answers loopback host names only (DNS rebinding protection); Host was ${JSON.stringify(req.headers.host ?? '')}\n`;
      if (event === 'request') {
        const res = args[1] as http.ServerResponse;
        res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' });
        res.end(body);
      } else {
        (args[1] as net.Socket).end(
          `HTTP/1.1 421 Misdirected Request\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        );
      }
      return true;
    }
  }
  return (originalEmit as (this: http.Server, e: string | symbol, ...a: unknown[]) => boolean).call(this, event, ...args);
} as typeof http.Server.prototype.emit;

// --- listen guard -------------------------------------------------------------------------------
// eslint-disable-next-line @typescript-eslint/unbound-method -- re-applied with the right `this` below
const originalListen = net.Server.prototype.listen;
const ANY = new Set([undefined, null, '', '0.0.0.0', '::', '::0']);

function rewriteListenArgs(args: unknown[]): unknown[] {
  const [first] = args;
  if (first !== null && typeof first === 'object' && !('fd' in first) && !('path' in first && (first as { path?: unknown }).path)) {
    const options = first as net.ListenOptions;
    if (ANY.has(options.host)) return [{ ...options, host: LOOPBACK }, ...args.slice(1)];
    return args;
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    const second = args[1];
    if (typeof second === 'string' || second === undefined || second === null) {
      if (ANY.has(second)) return [first, LOOPBACK, ...args.slice(2)];
      return args;
    }
    // listen(port, backlog?, cb?) or listen(port, cb)
    return [first, LOOPBACK, ...args.slice(1)];
  }
  if (first === undefined || typeof first === 'function') return [0, LOOPBACK, ...args];
  return args; // unix socket / pipe / handle: not ours to change
}

net.Server.prototype.listen = function patchedListen(this: net.Server, ...args: unknown[]) {
  this.once('listening', () => {
    const address = this.address();
    if (address && typeof address === 'object') send({ type: 'faultline:listening', port: address.port, address: address.address });
  });
  return (originalListen as (...a: unknown[]) => net.Server).apply(this, rewriteListenArgs(args));
} as typeof net.Server.prototype.listen;

// --- what the engine told the preload (read once, then out of the code's sight) ----------------
const crashFd = Number(process.env['FAULTLINE_CRASH_FD'] ?? NaN);
const settingsText = process.env['FAULTLINE_PRELOAD_SETTINGS'];
delete process.env['FAULTLINE_CRASH_FD'];
delete process.env['FAULTLINE_PRELOAD_SETTINGS'];

// --- sandbox guards (candidate code) and their proof -------------------------------------------
const sandbox = installSandbox();
if (typeof process.send === 'function' && process.connected) {
  try {
    process.send({ type: 'faultline:sandbox', ...sandbox });
  } catch {
    // supervisor gone
  }
}

// --- crash report -------------------------------------------------------------------------------
// Written synchronously to a pipe the supervisor holds (never a file: nothing names the session folder).
if (Number.isInteger(crashFd) && crashFd > 2) {
  process.on('uncaughtExceptionMonitor', (err: unknown, origin: string) => {
    const error = err instanceof Error ? err : new Error(String(err));
    const report = {
      origin,
      name: error.name,
      message: error.message,
      code: (error as NodeJS.ErrnoException).code,
      stack: error.stack ?? String(err),
      time: new Date().toISOString(),
    };
    try {
      fs.writeSync(crashFd, JSON.stringify(report) + '\n');
    } catch {
      // best effort: stderr still carries Node's own report
    }
  });
}

// --- orphan watchdog ----------------------------------------------------------------------------
if (typeof process.send === 'function') {
  const die = () => {
    try {
      process.kill(-process.pid, 'SIGKILL'); // our whole process group (we are its leader)
    } catch {
      process.kill(process.pid, 'SIGKILL');
    }
  };
  process.on('disconnect', die);
  let initial: PreloadSettings = {};
  try {
    initial = JSON.parse(settingsText ?? '{}') as PreloadSettings;
  } catch {
    // ignore a malformed value: no chaos settings
  }
  install(initial);
  serveIpc<typeof PreloadIpc>({
    set: ({ key, value }) => {
      set(key as PreloadSettingKey, value);
      return {};
    },
    stats: () => getStats(),
    // Answered on the main thread's event loop: a reply proves the service can serve requests.
    ping: () => ({}),
    resetStats: () => resetStats(),
  });
  // Listening for messages must not keep a service alive that would otherwise exit.
  process.channel?.unref();
  const parent = process.ppid;
  const source = `
    const { workerData } = require('node:worker_threads');
    setInterval(() => {
      if (process.ppid !== workerData.parent) {
        try { process.kill(-workerData.pid, 'SIGKILL'); } catch { process.kill(workerData.pid, 'SIGKILL'); }
      }
    }, 250);
  `;
  try {
    const watchdog = new Worker(source, { eval: true, workerData: { parent, pid: process.pid }, stdout: false, stderr: false });
    watchdog.unref();
  } catch {
    // workers unavailable: the disconnect handler above still covers a live event loop
  }
}
