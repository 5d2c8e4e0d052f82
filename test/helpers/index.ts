/**
 * Shared test helpers. Everything here waits on signals (a line of output, a process exit, a
 * health answer) with a deadline — never on fixed sleeps — and registers cleanup for whatever it
 * starts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, type TestContext } from 'node:test';
import { installAt, type Install } from '../../extension/engine/install';
import type { SessionState } from '../../extension/engine/session';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const install: Install = installAt(repoRoot, 'test');
export const cliPath = path.join(repoRoot, 'dist', 'cli.js');
export const fixtures = path.join(repoRoot, 'test', 'fixtures');
/** Node ≥ 22 for services (better-sqlite3 13): the one npm put on PATH, or the bundled one. */
export const nodeForServices = ((): string => {
  const bundled = path.join(repoRoot, 'node_modules', 'node', 'bin', 'node');
  return Number.parseInt(process.versions.node, 10) >= 22 ? process.execPath : bundled;
})();

type Cleanup = { after(fn: () => unknown): void };

/**
 * Cleanups for a whole describe(): registered from hooks or tests, run (last first) when the
 * suite ends. Call it at the top of the describe() callback.
 */
export function suiteCleanup(): Cleanup {
  const cleanups: (() => unknown)[] = [];
  after(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });
  return { after: (fn) => void cleanups.push(fn) };
}

export interface ScriptRun {
  code: number | null;
  counts: Record<'tests' | 'pass' | 'fail' | 'todo', number>;
  /** Names of failed tests (not suites), from the TAP report. */
  failed: string[];
  output: string;
}

/** `npm run <script>` in a workspace, as a candidate would, on the services' Node. */
export function npmRun(dir: string, script: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<ScriptRun> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: `${path.dirname(nodeForServices)}${path.delimiter}${process.env['PATH'] ?? ''}`,
      NO_COLOR: '1',
      ...extraEnv,
    };
    delete env['NODE_TEST_CONTEXT']; // we are inside node:test ourselves; the workspace's runner must not report to us
    const child = spawn('npm', ['run', '--silent', script], { cwd: dir, env });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.on('close', (code) => {
      const count = (name: string) => Number(new RegExp(`^(?:#|ℹ) ${name} (\\d+)$`, 'm').exec(output)?.[1] ?? NaN);
      const failed: string[] = [];
      const lines = output.split('\n');
      lines.forEach((line, i) => {
        const m = /^\s*not ok \d+ - (.+?)(?: # .*)?$/.exec(line);
        const type = lines.slice(i + 1).find((l) => /^\s*type: '/.test(l));
        if (m?.[1] && type?.includes("'test'")) failed.push(m[1]);
      });
      resolve({ code, counts: { tests: count('tests'), pass: count('pass'), fail: count('fail'), todo: count('todo') }, failed, output });
    });
  });
}

export function tempDir(t: Cleanup, prefix = 'faultline-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Environment for CLI processes: an isolated FAULTLINE_HOME and no colours. */
export function cliEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, FAULTLINE_HOME: home, NO_COLOR: '1', FORCE_COLOR: '0', ...extra };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { env: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env: opts.env, cwd: opts.cwd ?? repoRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`faultline ${args.join(' ')} did not finish in time\n${stdout}\n${stderr}`));
    }, opts.timeoutMs ?? 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Resolves with the first line matching `pattern`; rejects if the process exits first or time runs out. */
export function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number, output: { text: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (d: string) => {
      buffer += d;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (pattern.test(line)) {
          cleanup();
          resolve(line);
          return;
        }
      }
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(new Error(`process exited (${code ?? signal}) before printing ${pattern}\n${output.text}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms\n${output.text}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', onData);
    child.on('exit', onExit);
  });
}

export interface UpProcess {
  child: ChildProcess;
  state: SessionState;
  output: { text: string };
  exited: Promise<number | null>;
  /** Ctrl-C, then wait for exit. */
  interrupt(): Promise<number | null>;
}

/** `faultline up <workspace> --state <file>` until FAULTLINE_READY; killed at test end if still running. */
export async function startUp(
  t: Cleanup,
  workspace: string,
  opts: { env: NodeJS.ProcessEnv; stateFile: string; args?: string[]; timeoutMs?: number },
): Promise<UpProcess> {
  const child = spawn(process.execPath, [cliPath, 'up', workspace, '--state', opts.stateFile, ...(opts.args ?? [])], {
    env: opts.env,
    cwd: repoRoot,
  });
  const output = { text: '' };
  child.stdout.setEncoding('utf8').on('data', (d: string) => (output.text += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (output.text += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  });
  const line = await waitForLine(child, /^FAULTLINE_READY /, opts.timeoutMs ?? 90_000, output);
  const state = JSON.parse(line.slice('FAULTLINE_READY '.length)) as SessionState;
  return {
    child,
    state,
    output,
    exited,
    interrupt: async () => {
      child.kill('SIGINT');
      return exited;
    },
  };
}

/** Zombie-aware: a killed process whose parent died may linger unreaped, but it is dead. */
export { isAlive } from '../../extension/engine/session';

/** Poll a condition until it holds or the deadline passes (for process death, which has no event). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export type { TestContext };
