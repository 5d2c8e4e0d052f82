/**
 * What the benches that measure a running exercise share: the services' runtime and the CLI, a
 * session of an exercise's solution started with `faultline up` (and always stopped and removed),
 * the process address of a service, and quantiles.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SessionState } from '../extension/engine/session';

export const root = path.resolve(__dirname, '..');
/** Node 22+ for the services (better-sqlite3 13): this one, or the one Faultline installs. */
export const node =
  Number.parseInt(process.versions.node, 10) >= 22 ? process.execPath : path.join(root, 'node_modules', 'node', 'bin', 'node');
export const cli = path.join(root, 'dist', 'cli.js');

/** The q-quantile (nearest rank) of `xs`; NaN when empty. */
export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
}

/** The median, interpolated between the two middle values of an even count. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export interface BenchSession {
  /** A temporary folder of the bench's own, removed afterwards. */
  tmp: string;
  /** The workspace the session runs. */
  ws: string;
  /** The environment of CLI calls about this session (its FAULTLINE_HOME). */
  env: NodeJS.ProcessEnv;
  state: SessionState;
  /** From starting `faultline up` to its FAULTLINE_READY line. */
  upMs: number;
}

/**
 * `faultline new <exercise> --solution <solution>` in a temporary folder, `faultline up` on it
 * until FAULTLINE_READY, then `use`; the session is stopped (SIGINT, awaited) and the folder
 * removed however `use` ends.
 */
export async function withSession<T>(
  exercise: string,
  solution: string,
  use: (s: BenchSession) => Promise<T>,
  upArgs: string[] = [],
): Promise<T> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `faultline-bench-${exercise}-`));
  const env = { ...process.env, FAULTLINE_HOME: path.join(tmp, 'home'), NO_COLOR: '1' };
  const ws = path.join(tmp, 'ws');
  const made = spawnSync(node, [cli, 'new', exercise, ws, '--solution', solution], { env, encoding: 'utf8' });
  if (made.status !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new Error(made.stderr);
  }
  const started = performance.now();
  const up = spawn(node, [cli, 'up', ws, ...upArgs], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const state = await new Promise<SessionState>((resolve, reject) => {
      let buf = '';
      up.stdout.setEncoding('utf8').on('data', (d: string) => {
        buf += d;
        const m = /^FAULTLINE_READY (.*)$/m.exec(buf);
        if (m?.[1]) resolve(JSON.parse(m[1]) as SessionState);
      });
      up.on('exit', (code) => reject(new Error(`up exited with ${code}\n${buf}`)));
    });
    const upMs = performance.now() - started;
    return await use({ tmp, ws, env, state, upMs });
  } finally {
    if (up.exitCode === null) {
      const exited = new Promise((r) => up.on('exit', r));
      up.kill('SIGINT');
      await exited;
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The first process address of a service (the state's urls are the fault proxy's per-replica
 * edges), from `faultline status`; `fallback` when the status does not name it.
 */
export function processUrl(s: BenchSession, service: string, fallback: string): string {
  const status = JSON.parse(spawnSync(node, [cli, 'status', s.ws, '--json'], { env: s.env, encoding: 'utf8' }).stdout) as {
    services: { name: string; instances: { url: string }[] }[];
  };
  return status.services.find((x) => x.name === service)?.instances[0]?.url ?? fallback;
}

/**
 * A full `faultline check --json <args>`: its wall time, the time to its first check result, and
 * the points it gives; rejects when the check fails to run.
 */
export function runCheck(args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; first: number; points: number }> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    let first = 0;
    let out = '';
    const child = spawn(node, [cli, 'check', ...args, '--json'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (!first && out.includes('"type":"check"')) first = performance.now() - t;
    });
    child.on('exit', (code) => {
      const ms = performance.now() - t;
      const last = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { score?: { points: number } };
      if (code !== 0 || !last.score) reject(new Error(`faultline check ${args.join(' ')} exited ${code}`));
      else resolve({ ms, first, points: last.score.points });
    });
  });
}
