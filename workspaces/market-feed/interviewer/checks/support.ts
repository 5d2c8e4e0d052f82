/** Helpers of the market-feed checks: users, WebSocket clients (Node's WebSocket), probes. */
import * as crypto from 'node:crypto';
import type { CheckContext, ProgramRun } from 'faultline/checks';

/** The gateway's JWT secret, as the manifest gives it (to forge expired tokens). */
export const JWT_SECRET = 'market-feed-interview-secret';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function tail(text: string, lines = 8): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

/** Registers a fresh user through the load balancer; returns its access token. */
export async function user(t: CheckContext, prefix = 'chk'): Promise<{ username: string; token: string }> {
  const username = t
    .unique(prefix)
    .replace(/[^A-Za-z0-9_.-]/g, '-')
    .slice(0, 40);
  const r = await t.http('lb').post('/api/auth/register', { username, password: 'check-password' });
  if (r.status !== 201) t.fail(`POST /api/auth/register answered ${r.status}: ${r.text.slice(0, 200)}`);
  return { username, token: (r.body as { token: string }).token };
}

/** An HS256 JWT signed with the gateway's secret (for expired tokens). */
export function forgeToken(claims: Record<string, unknown>): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${head}.${crypto.createHmac('sha256', JWT_SECRET).update(head).digest('base64url')}`;
}

export interface Frame {
  type?: string;
  symbol?: string;
  ts?: number;
  snapshot?: boolean;
  error?: string;
  [k: string]: unknown;
}

/** A WebSocket client that records every frame, its arrival time and how it closed. */
export class Client {
  readonly frames: { at: number; frame: Frame }[] = [];
  closed: { code: number; reason: string } | undefined;
  private readonly ws: WebSocket;
  private waiters: (() => void)[] = [];

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.onmessage = (e) => {
      let frame: Frame;
      try {
        frame = JSON.parse(String(e.data)) as Frame;
      } catch {
        frame = { type: 'unparseable', raw: String(e.data).slice(0, 100) };
      }
      this.frames.push({ at: Date.now(), frame });
      this.wake();
    };
    this.ws.onclose = (e) => {
      this.closed = { code: e.code, reason: e.reason };
      this.wake();
    };
    this.ws.onerror = () => undefined;
  }

  static async open(t: CheckContext, token: string): Promise<Client> {
    const c = new Client(`${t.url('lb').replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(token)}`);
    await c.until(() => c.ws.readyState === WebSocket.OPEN || c.closed !== undefined, 10_000, 'the WebSocket to open');
    if (c.closed) t.fail(`the WebSocket closed at once: ${c.closed.code} ${c.closed.reason}`);
    return c;
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(msg: unknown): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  close(): void {
    this.ws.close();
  }

  /** Waits until `test` holds (re-tested on every frame and close); throws after timeoutMs. */
  async until(test: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!test()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The first frame after index `from` matching `test`. */
  async next(test: (f: Frame) => boolean, timeoutMs: number, what: string, from = 0): Promise<Frame> {
    let found: Frame | undefined;
    await this.until(
      () => {
        found = this.frames.slice(from).find((f) => test(f.frame))?.frame;
        return found !== undefined;
      },
      timeoutMs,
      what,
    );
    return found as Frame;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

export interface LbEndpoint {
  name: string;
  ready: boolean;
  last: string;
  probedAt: number;
  websockets: number;
  cut: number;
}

export async function lbEndpoints(t: CheckContext): Promise<LbEndpoint[]> {
  const r = await t.http('lb').get('/_lb/endpoints');
  return (r.body as { endpoints: LbEndpoint[] }).endpoints;
}

/** Runs a probe program (a file dropped next to the candidate's module) and parses its last line. */
export async function probe<T>(t: CheckContext, rel: string, source: string, what: string): Promise<T> {
  const run: ProgramRun = await t.candidateProgram(rel, { replace: { [rel]: source }, args: ['{out}'], timeoutMs: 30_000 });
  const line = run.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as T;
  } catch {
    return t.fail(`${what} could not be run: ${tail(run.stderr || run.stdout)}`);
  }
}

export function p99(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.99))] ?? 0;
}
