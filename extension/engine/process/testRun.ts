/**
 * Candidate code run by Faultline outside the services: the candidate's own test suite, the way
 * `npm test` runs it (`node -r sucrase/register/ts --test`), and the candidate's own programs (a
 * load tester, a health-wait script), each in a scratch copy of the workspace so files can be
 * replaced (mutation checks) and outputs written without touching the candidate's: used by hidden
 * checks (`t.candidateTests`, `t.candidateProgram`) and `faultline test-exercise`.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FaultlineError } from '../errors';
import type { CandidateTestRun, ProgramRun } from '../model/interview';
import { DATA_DIR, sandboxArgs, sandboxEnv, sandboxPolicy } from './sandbox';

export interface TestRunOptions {
  workspace: string;
  /** Faultline's own node_modules, used when the workspace has none. */
  modules: string;
  /** The service preload: its sandbox guards apply to the candidate's tests and programs too. */
  preload: string;
  runtime: { execPath: string; env: Record<string, string>; version: string };
  /** Workspace-relative files to replace in the copy (a known-broken variant). */
  replace?: Record<string, string>;
  /** Test files or globs (default: every test/**\/*.test.ts). */
  files?: string[];
  timeoutMs?: number;
}

/** Never copied into the scratch copy (dependencies are linked, data is the candidate's). */
const SKIP = new Set(['node_modules', '.git', 'data', '.faultline', 'dist']);

function copyTree(src: string, dest: string, top = true): void {
  fs.mkdirSync(dest, { recursive: true });
  for (const e of fs.readdirSync(src, { withFileTypes: true })) {
    if (top && SKIP.has(e.name)) continue;
    const s = path.join(src, e.name);
    const d = path.join(dest, e.name);
    if (e.isDirectory()) copyTree(s, d, false);
    else if (e.isFile()) fs.copyFileSync(s, d);
  }
}

/** A scratch copy of the workspace (dependencies linked, some files replaced), removed after `use`. */
async function inScratchCopy<T>(
  o: Pick<TestRunOptions, 'workspace' | 'modules' | 'replace'>,
  use: (dir: string, modules: string) => Promise<T>,
): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-run-'));
  try {
    copyTree(o.workspace, dir);
    const modules = fs.existsSync(path.join(o.workspace, 'node_modules')) ? path.join(o.workspace, 'node_modules') : o.modules;
    fs.symlinkSync(modules, path.join(dir, 'node_modules'), 'dir');
    for (const [rel, content] of Object.entries(o.replace ?? {})) {
      const file = path.resolve(dir, rel);
      if (!file.startsWith(dir + path.sep)) throw new FaultlineError('usage', `cannot replace ${rel}: outside the workspace`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
    return await use(dir, modules);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface ProgramRunOptions extends Omit<TestRunOptions, 'files'> {
  /** The program, relative to the workspace (a TypeScript or JavaScript file). */
  entry: string;
  /** Its arguments; `{out}` is replaced by a folder it may write its outputs to. */
  args?: string[];
  /** Extra environment for it. */
  env?: Record<string, string>;
}

/** How candidate code runs in a scratch copy: sandboxed (reads the copy, writes its data/ and `write`). */
function sandboxed(o: TestRunOptions, dir: string, modules: string, write: string[] = []) {
  const tmp = path.join(dir, DATA_DIR, 'tmp');
  fs.mkdirSync(tmp, { recursive: true });
  const policy = sandboxPolicy({
    workspace: dir,
    runtimeModules: o.modules,
    preload: o.preload,
    extraRead: [fs.realpathSync(modules)],
    extraWrite: write,
  });
  return {
    args: [...sandboxArgs(policy, o.runtime.version), '--require', o.preload, '-r', 'sucrase/register/ts'],
    env: (extra: Record<string, string> = {}) => sandboxEnv({ runtimeEnv: o.runtime.env, tmpDir: tmp, set: { NO_COLOR: '1', ...extra } }),
  };
}

/** Spawns in its own process group; resolves with everything it printed, killed (group) at the deadline. */
function runToEnd(
  execPath: string,
  args: string[],
  opts: { cwd: string; env: Record<string, string>; deadline: number },
): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(execPath, args, { cwd: opts.cwd, env: opts.env, detached: process.platform !== 'win32' });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(
      () => {
        timedOut = true;
        try {
          process.kill(-(child.pid ?? 0), 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      },
      Math.max(0, opts.deadline - Date.now()),
    );
    child.on('error', (err) => (stderr += `cannot run ${execPath}: ${err.message}\n`));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: stdout.slice(-100_000), stderr: stderr.slice(-100_000), timedOut });
    });
  });
}

/** Runs one of the candidate's programs (`node -r sucrase/register/ts <entry> …args`) in a scratch copy. */
export function runCandidateProgram(o: ProgramRunOptions): Promise<ProgramRun> {
  const timeoutMs = o.timeoutMs ?? 60_000;
  return inScratchCopy(o, async (dir, modules) => {
    const out = path.join(dir, '.faultline-out');
    fs.mkdirSync(out);
    const args = (o.args ?? []).map((a) => a.split('{out}').join(out));
    const box = sandboxed(o, dir, modules, [out]);
    const started = performance.now();
    const result = await runToEnd(o.runtime.execPath, [...box.args, o.entry, ...args], {
      cwd: dir,
      env: box.env(o.env),
      deadline: Date.now() + timeoutMs,
    });
    const outputs: Record<string, string> = {};
    for (const name of fs.readdirSync(out)) {
      const file = path.join(out, name);
      if (fs.statSync(file).isFile()) outputs[name] = fs.readFileSync(file, 'utf8').slice(0, 5_000_000);
    }
    return { ...result, ms: Math.round(performance.now() - started), outputs };
  });
}

/** Runs the suite in a scratch copy; parses the TAP report. A suite that hangs is killed at `timeoutMs`. */
export function runCandidateTests(o: TestRunOptions): Promise<CandidateTestRun> {
  const timeoutMs = o.timeoutMs ?? 120_000;
  return inScratchCopy(o, async (dir, modules) => {
    const files = testFiles(dir, o.files ?? ['test/**/*.test.ts']);
    if (files.length === 0) return { passed: 0, failed: 0, todo: 0, failures: [], output: '# faultline: no test files\n' };
    // One sandboxed process per test file, as `node --test` isolates them: the runner itself (which
    // would need to spawn) stays outside the sandbox.
    const box = sandboxed(o, dir, modules);
    const deadline = Date.now() + timeoutMs;
    const outputs = new Map<string, string>();
    const queue = [...files];
    await Promise.all(
      Array.from({ length: Math.min(files.length, Math.max(1, os.availableParallelism())) }, async () => {
        for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
          const r = await runToEnd(o.runtime.execPath, [...box.args, '--test-reporter=tap', file], { cwd: dir, env: box.env(), deadline });
          const late = r.timedOut ? `\n# faultline: the test suite did not finish within ${timeoutMs} ms\n` : '';
          outputs.set(file, `# file: ${file}\n${r.stdout}${r.stderr}${late}`);
        }
      }),
    );
    return parseTap(files.map((f) => outputs.get(f) ?? '').join('\n'));
  });
}

/** Test files matching the patterns (`test/**\/*.test.ts`, or plain paths), sorted. */
function testFiles(dir: string, patterns: string[]): string[] {
  const all = fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => f.split(path.sep).join('/'))
    .filter((f) => !f.startsWith('node_modules/') && !f.includes('/node_modules/'));
  const matches = (f: string, p: string) => (p.includes('*') ? path.posix.matchesGlob(f, p) : f === path.posix.normalize(p));
  return all.filter((f) => patterns.some((p) => matches(f, p)) && fs.statSync(path.join(dir, f)).isFile()).sort();
}

/** Totals of one or more TAP reports (one per test file), and the names of failed tests. */
export function parseTap(output: string): CandidateTestRun {
  const count = (name: string) => [...output.matchAll(new RegExp(`^# ${name} (\\d+)$`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);
  const lines = output.split('\n');
  const failures: string[] = [];
  lines.forEach((line, i) => {
    const m = /^\s*not ok \d+ - (.+?)(?: # .*)?$/.exec(line);
    if (!m?.[1]) return;
    const type = lines.slice(i + 1).find((l) => /^\s*type: '/.test(l));
    if (type?.includes("'test'")) failures.push(m[1]);
  });
  const failed = count('fail');
  return {
    passed: count('pass'),
    failed: failed || (output.includes('did not finish') ? 1 : 0),
    todo: count('todo'),
    failures,
    output: output.slice(-20_000),
  };
}
