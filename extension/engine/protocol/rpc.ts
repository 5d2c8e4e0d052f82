/**
 * A typed, token-protected JSON-over-HTTP RPC on 127.0.0.1. An API is declared once (method, path,
 * request and response schemas); the server validates requests against it and the client gets
 * its types from it. Used by every control channel (engine ↔ CLI, fault proxy, portal).
 */
import * as crypto from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { FaultlineError, errorMessage, type ErrorCode } from '../errors';

export interface Route<Req extends TSchema = TSchema, Res extends TSchema = TSchema, Ev extends TSchema = TSchema> {
  method: 'GET' | 'POST';
  path: string;
  description: string;
  /** Answered without a token (only for harmless liveness routes). */
  public?: boolean;
  request: Req;
  response: Res;
  /** Progress events streamed before the response (NDJSON); the client may stop them by disconnecting. */
  stream?: Ev;
}

export type Api = Record<string, Route>;

export function route<Req extends TSchema, Res extends TSchema, Ev extends TSchema = TSchema>(r: Route<Req, Res, Ev>): Route<Req, Res, Ev> {
  return r;
}

type EventOf<R> = R extends Route<TSchema, TSchema, infer E> ? Static<E> : never;

export interface HandlerContext<E> {
  /** Send a progress event (stream routes). */
  emit: (event: E) => void;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

export type Handlers<A extends Api> = {
  [K in keyof A]: (
    request: Static<A[K]['request']>,
    ctx: HandlerContext<EventOf<A[K]>>,
  ) => Promise<Static<A[K]['response']>> | Static<A[K]['response']>;
};

export type Client<A extends Api> = {
  [K in keyof A]: (
    request: Static<A[K]['request']>,
    onEvent?: (event: EventOf<A[K]>) => void,
    /** Stops waiting (and, for stream routes, cancels the work on the server by disconnecting). */
    signal?: AbortSignal,
  ) => Promise<Static<A[K]['response']>>;
};

export interface WireError {
  error: { code: ErrorCode; message: string; hint?: string };
}

const STATUS: Partial<Record<ErrorCode, number>> = {
  usage: 400,
  'unknown-exercise': 404,
  'control-unauthorized': 401,
  'not-running': 409,
};

export function newToken(): string {
  return crypto.randomBytes(24).toString('base64url');
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  const want = Buffer.from(token);
  return given.length === want.length && crypto.timingSafeEqual(given, want);
}

export interface ServedApi {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Compiled validators, one per schema (compiled on first use). */
const checkers = new WeakMap<TSchema, TypeCheck<TSchema>>();
function checker(schema: TSchema): TypeCheck<TSchema> {
  let c = checkers.get(schema);
  if (!c) {
    c = TypeCompiler.Compile(schema);
    checkers.set(schema, c);
  }
  return c;
}

/** The first place `value` breaks `schema`, as "at /path: message", or undefined when it fits. */
export function schemaMismatch(schema: TSchema, value: unknown): string | undefined {
  const c = checker(schema);
  if (c.Check(value)) return undefined;
  const first = c.Errors(value).First();
  return first ? `at ${first.path || '/'}: ${first.message}` : 'does not match';
}

export async function serveApi<A extends Api>(
  api: A,
  handlers: Handlers<A>,
  opts: { token: string; port?: number; maxBodyBytes?: number },
): Promise<ServedApi> {
  const byKey = new Map<string, [keyof A, Route]>();
  for (const [name, r] of Object.entries(api)) byKey.set(`${r.method} ${r.path}`, [name, r]);
  const maxBody = opts.maxBodyBytes ?? 1024 * 1024;

  const server = http.createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(text);
    };
    const fail = (status: number, code: ErrorCode, message: string, hint?: string) =>
      reply(status, { error: { code, message, ...(hint ? { hint } : {}) } } satisfies WireError);

    // Only loopback clients that name a loopback host (defeats DNS rebinding from a browser).
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(host)) return fail(403, 'control-unauthorized', 'forbidden host');
    const pathname = (req.url ?? '/').split('?')[0] ?? '/';
    const entry = byKey.get(`${req.method ?? 'GET'} ${pathname}`);
    if (!entry?.[1].public && !tokenMatches(req.headers.authorization, opts.token)) {
      return fail(401, 'control-unauthorized', 'missing or wrong session token', 'read the token from the session state file');
    }
    if (!entry) return fail(404, 'usage', `no such endpoint: ${req.method} ${pathname}`);
    const [name, r] = entry;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBody) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      void (async () => {
        let body: unknown = undefined;
        if (r.method === 'POST') {
          try {
            body = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
          } catch {
            return fail(400, 'usage', 'request body is not valid JSON');
          }
          const bad = schemaMismatch(r.request, body);
          if (bad !== undefined) return fail(400, 'usage', `invalid request ${bad}`);
        }
        const aborter = new AbortController();
        res.on('close', () => {
          if (!res.writableFinished) aborter.abort();
        });
        const handler: (req: unknown, ctx: HandlerContext<unknown>) => unknown = handlers[name];
        // Answers are checked against the API too: a handler that drifts from its declared shape is
        // a bug reported as such, never a malformed answer a client has to guess about.
        const answer = (schema: TSchema, value: unknown, what: string): unknown => {
          const bad = schemaMismatch(schema, value);
          if (bad !== undefined) throw new FaultlineError('control-failed', `internal error: the ${what} of ${String(name)} ${bad}`);
          return value;
        };
        if (r.stream) {
          res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' });
          const line = (value: unknown) => {
            if (!res.destroyed) res.write(JSON.stringify(value) + '\n');
          };
          try {
            const stream = r.stream;
            const result = await handler(body, {
              emit: (event) => line({ event: answer(stream, event, 'event') }),
              signal: aborter.signal,
            });
            line({ result: answer(r.response, result ?? {}, 'answer') });
          } catch (err) {
            const e =
              err instanceof FaultlineError ? err : new FaultlineError('control-failed', err instanceof Error ? err.message : String(err));
            line({ error: { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) } });
          }
          res.end();
          return;
        }
        try {
          const result = await handler(body, { emit: () => undefined, signal: aborter.signal });
          reply(200, answer(r.response, result ?? {}, 'answer'));
        } catch (err) {
          if (err instanceof FaultlineError) return fail(STATUS[err.code] ?? 500, err.code, err.message, err.hint);
          return fail(500, 'control-failed', err instanceof Error ? err.message : String(err));
        }
      })();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function apiClient<A extends Api>(api: A, baseUrl: string, token: string, timeoutMs = 10_000): Client<A> {
  const client = {} as Record<string, (req: unknown, onEvent?: (e: unknown) => void, signal?: AbortSignal) => Promise<unknown>>;
  for (const [name, r] of Object.entries(api)) {
    client[name] = async (request: unknown, onEvent?: (e: unknown) => void, signal?: AbortSignal) => {
      // Streams run as long as their work does; the caller stops them by going away.
      const timeout = r.stream ? undefined : AbortSignal.timeout(timeoutMs);
      const signals = [timeout, signal].filter((s): s is AbortSignal => s !== undefined);
      let res: Response;
      try {
        res = await fetch(baseUrl + r.path, {
          method: r.method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          ...(r.method === 'POST' ? { body: JSON.stringify(request ?? {}) } : {}),
          ...(signals.length ? { signal: AbortSignal.any(signals) } : {}),
        });
      } catch (err) {
        if (signal?.aborted) throw new FaultlineError('cancelled', 'cancelled');
        const cause = (err as { cause?: { code?: string } }).cause?.code;
        throw new FaultlineError(
          'not-running',
          cause === 'ECONNREFUSED' ? `nothing is listening at ${baseUrl}` : `cannot reach ${baseUrl}: ${(err as Error).message}`,
        );
      }
      if (r.stream && res.ok && res.body) {
        try {
          return await readStream(res.body, onEvent);
        } catch (err) {
          if (signal?.aborted) throw new FaultlineError('cancelled', 'cancelled');
          if (err instanceof FaultlineError) throw err;
          // The connection closed mid-stream ("terminated"): the session went away.
          throw new FaultlineError(
            'not-running',
            `the session at ${baseUrl} stopped while ${String(name)} was running (${errorMessage(err)})`,
            'what had finished is on its timeline: `faultline timeline`; start it again with `faultline up`',
          );
        }
      }
      const body: unknown = await res.json().catch(() => ({}));
      if (!res.ok) {
        const e = (body as Partial<WireError>).error;
        throw new FaultlineError(e?.code ?? 'control-failed', e?.message ?? `HTTP ${res.status}`, e?.hint);
      }
      return body;
    };
  }
  return client as Client<A>;
}

/** Reads an NDJSON stream of {event} lines ending with {result} or {error}. */
async function readStream(body: ReadableStream<Uint8Array>, onEvent?: (e: unknown) => void): Promise<unknown> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let nl = buffer.indexOf('\n');
    while (nl >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      nl = buffer.indexOf('\n');
      if (!line.trim()) continue;
      const msg = JSON.parse(line) as { event?: unknown; result?: unknown; error?: WireError['error'] };
      if ('event' in msg) onEvent?.(msg.event);
      else if (msg.error) throw new FaultlineError(msg.error.code, msg.error.message, msg.error.hint);
      else if ('result' in msg) return msg.result;
    }
  }
  throw new FaultlineError('not-running', 'the session closed the stream without a result (it stopped while the work ran)');
}
