/**
 * Cold start of price-alerts, side by side in one run (the machine is shared and noisy, so the
 * ratios matter more than the absolute numbers). Each round runs every variant once, interleaved:
 *
 *   floor    `node -e 0` on the services' runtime          (process start-up cost)
 *   direct   the service alone: node -r sucrase/register/ts src/server.ts, until /health is 200
 *   sandboxed  the same, under the sandbox `up` gives candidate code (Node's permission model with
 *            the engine's own flags, and the preload that guards addons and proves the sandbox)
 *   up       `faultline up` → FAULTLINE_READY              (supervisor, preload, control API, state)
 *   new      `faultline new price-alerts` (offline scaffold: copy, runtime pack, git baseline)
 *
 *   up (before)  with `--before REV`: the same `faultline up`, built from git revision REV in a
 *            temporary worktree, so a start-up change is measured against its parent in one run
 *
 * Every start is cold: a new process and a fresh database.
 *   npm run bench -- up [--rounds N] [--before REV]
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { sandboxArgs, sandboxPolicy } from '../extension/engine/process/sandbox';
import { cli, median, node, root } from './session';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitHealthy(url: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`${url} not healthy in time`);
}

function floor(): number {
  const t = performance.now();
  spawnSync(node, ['-e', '0']);
  return performance.now() - t;
}

async function direct(ws: string, sandboxed = false): Promise<number> {
  fs.rmSync(path.join(ws, 'data'), { recursive: true, force: true });
  fs.mkdirSync(path.join(ws, 'data'));
  const port = await freePort();
  const preload = path.join(root, 'dist', 'servers', 'preload.js');
  const policy = sandboxPolicy({ workspace: fs.realpathSync(ws), runtimeModules: path.join(root, 'node_modules'), preload });
  const sandbox = sandboxed ? [...sandboxArgs(policy, process.versions.node), '--require', preload] : [];
  const t = performance.now();
  const child = spawn(node, [...sandbox, '-r', 'sucrase/register/ts', 'src/server.ts'], {
    cwd: ws,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_PATH: path.join(ws, 'data', 'trading.db') },
    stdio: 'ignore',
  });
  await waitHealthy(`http://127.0.0.1:${port}/health`, Date.now() + 60_000);
  const ms = performance.now() - t;
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGTERM');
  await exited;
  return ms;
}

async function up(ws: string, env: NodeJS.ProcessEnv, cliPath = cli): Promise<number> {
  const t = performance.now();
  const child = spawn(node, [cliPath, 'up', ws, '--fresh'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let buf = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      if (/^FAULTLINE_READY /m.test(buf)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`up exited with ${code}\n${buf}`)));
  });
  const ms = performance.now() - t;
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGINT');
  await exited;
  return ms;
}

/** Faultline built from git revision `rev` in a temporary worktree (this checkout's node_modules): its CLI and a clean-up. */
function buildAt(rev: string, tmp: string): { cli: string; remove: () => void } {
  const dir = path.join(tmp, `rev-${rev.replace(/\W+/g, '-')}`);
  const git = (...a: string[]) => {
    const r = spawnSync('git', a, { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${a.join(' ')}: ${r.stderr}`);
  };
  git('worktree', 'add', '--detach', dir, rev);
  const remove = () => git('worktree', 'remove', '--force', dir);
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const built = spawnSync(node, ['scripts/build.mjs'], { cwd: dir, encoding: 'utf8' });
  if (built.status !== 0) {
    remove();
    throw new Error(`building ${rev} failed: ${built.stderr}`);
  }
  return { cli: path.join(dir, 'dist', 'cli.js'), remove };
}

function scaffold(dir: string, env: NodeJS.ProcessEnv): number {
  fs.rmSync(dir, { recursive: true, force: true });
  const t = performance.now();
  const r = spawnSync(node, [cli, 'new', 'price-alerts', dir], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return performance.now() - t;
}

export async function run(args: string[]): Promise<string> {
  const roundsArg = args.indexOf('--rounds');
  const rounds = roundsArg >= 0 ? Number(args[roundsArg + 1]) : 7;
  const beforeArg = args.indexOf('--before');
  const rev = beforeArg >= 0 ? args[beforeArg + 1] : undefined;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-bench-'));
  const env = { ...process.env, FAULTLINE_HOME: path.join(tmp, 'home'), NO_COLOR: '1' };
  const before = rev ? buildAt(rev, tmp) : undefined;
  try {
    const ws = path.join(tmp, 'ws');
    scaffold(ws, env);
    const results: Record<'floor' | 'direct' | 'sandboxed' | 'up' | 'upBefore' | 'new', number[]> = {
      floor: [],
      direct: [],
      sandboxed: [],
      up: [],
      upBefore: [],
      new: [],
    };
    await direct(ws); // warm the file-system cache once; not counted
    for (let i = 0; i < rounds; i++) {
      results.floor.push(floor());
      results.direct.push(await direct(ws));
      results.sandboxed.push(await direct(ws, true));
      results.up.push(await up(ws, env));
      if (before) results.upBefore.push(await up(ws, env, before.cli));
      results.new.push(scaffold(path.join(tmp, `new-${i}`), env));
    }
    const m = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, median(v)])) as Record<keyof typeof results, number>;
    const row = (label: string, xs: number[], ratio: string) =>
      `| ${label} | ${median(xs).toFixed(0)} ms | ${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)} ms | ${ratio} |`;
    return [
      `cold start of price-alerts, ${rounds} interleaved rounds, Node ${spawnSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim()}, ${os.cpus().length} CPUs`,
      '',
      '| variant | median | range | ratio |',
      '|---|---|---|---|',
      row('`node -e 0` (process floor)', results.floor, `${(m.floor / m.direct).toFixed(2)}× direct`),
      row('service alone, until /health is 200', results.direct, '1.00× direct'),
      row(
        'service alone, sandboxed as `up` runs it',
        results.sandboxed,
        `${(m.sandboxed / m.direct).toFixed(2)}× direct (+${(m.sandboxed - m.direct).toFixed(0)} ms)`,
      ),
      row(
        '`faultline up` until FAULTLINE_READY',
        results.up,
        `${(m.up / m.direct).toFixed(2)}× direct (+${(m.up - m.direct).toFixed(0)} ms)`,
      ),
      ...(before
        ? [
            row(
              `\`faultline up\` built from ${rev}`,
              results.upBefore,
              `${(m.upBefore / m.direct).toFixed(2)}× direct; up now ${(m.up / m.upBefore).toFixed(2)}× this`,
            ),
          ]
        : []),
      row('`faultline new` (offline scaffold + git)', results.new, `${(m.new / m.up).toFixed(2)}× up`),
    ].join('\n');
  } finally {
    before?.remove();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
