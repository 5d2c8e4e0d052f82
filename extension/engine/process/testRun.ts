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

export interface TestRunOptions {
  workspace: string;
  /** Faultline's own node_modules, used when the workspace has none. */
  modules: string;
  runtime: { execPath: string; env: Record<string, string> };
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
  use: (dir: string) => Promise<T>,
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
    return await use(dir);
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

/** Runs one of the candidate's programs (`node -r sucrase/register/ts <entry> …args`) in a scratch copy. */
export function runCandidateProgram(o: ProgramRunOptions): Promise<ProgramRun> {
  const timeoutMs = o.timeoutMs ?? 60_000;
  return inScratchCopy(o, async (dir) => {
    const out = path.join(dir, '.faultline-out');
    fs.mkdirSync(out);
    const args = (o.args ?? []).map((a) => a.split('{out}').join(out));
    const env: NodeJS.ProcessEnv = { ...process.env, ...o.runtime.env, NO_COLOR: '1', ...o.env };
    delete env['NODE_OPTIONS'];
    for (const k of Object.keys(env)) if (k.startsWith('FAULTLINE_')) delete env[k];
    const started = performance.now();
    const result = await new Promise<Omit<ProgramRun, 'outputs' | 'ms'>>((resolve) => {
      const child = spawn(o.runtime.execPath, ['-r', 'sucrase/register/ts', o.entry, ...args], {
        cwd: dir,
        env,
        detached: process.platform !== 'win32',
      });
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const timer = setTimeout(() => {
        timedOut = true;
        try {
          process.kill(-(child.pid ?? 0), 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      }, timeoutMs);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, timedOut, stdout: stdout.slice(-100_000), stderr: stderr.slice(-100_000) });
      });
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
  return inScratchCopy(o, async (dir) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...o.runtime.env,
      NO_COLOR: '1',
      PATH: `${path.dirname(o.runtime.execPath)}${path.delimiter}${process.env['PATH'] ?? ''}`,
    };
    delete env['NODE_TEST_CONTEXT'];
    delete env['NODE_OPTIONS'];
    for (const k of Object.keys(env)) if (k.startsWith('FAULTLINE_')) delete env[k];
    const files = o.files ?? ['test/**/*.test.ts'];
    const output = await new Promise<string>((resolve) => {
      const child = spawn(o.runtime.execPath, ['-r', 'sucrase/register/ts', '--test', '--test-reporter=tap', ...files], {
        cwd: dir,
        env,
        detached: process.platform !== 'win32',
      });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
      const timer = setTimeout(() => {
        try {
          process.kill(-(child.pid ?? 0), 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
        out += `\n# faultline: the test suite did not finish within ${timeoutMs} ms\n`;
      }, timeoutMs);
      child.on('close', () => {
        clearTimeout(timer);
        resolve(out);
      });
    });
    return parseTap(output);
  });
}

export function parseTap(output: string): CandidateTestRun {
  const count = (name: string) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(output)?.[1] ?? 0);
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
