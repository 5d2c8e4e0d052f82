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
import type * as TS from 'typescript';
import { COVERAGE_PRELOAD, instrument, linesByTest, namePattern, type ProcessCoverage, type RunCoverage } from './coverage';
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
  /** Record which source lines each test runs (instrumented scratch copy; see ./coverage). */
  coverage?: boolean;
  /** Run only these test files, and in each only the tests with these full names (null: all of them). Replaces `files`. */
  select?: Record<string, string[] | null>;
  /** Stop at the first failing test (the rest of the suite does not run). */
  bail?: boolean;
}

/** A run of the candidate's tests, with the per-test coverage when it was asked for. */
export type TestRunResult = CandidateTestRun & { coverage?: RunCoverage };

/** Never copied into the scratch copy (dependencies are linked, data is the candidate's). */
export const SKIP = new Set(['node_modules', '.git', 'data', '.faultline', 'dist']);

export function copyTree(src: string, dest: string, top = true): void {
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
export function sandboxed(
  o: Pick<TestRunOptions, 'modules' | 'preload' | 'runtime'>,
  dir: string,
  modules: string,
  write: string[] = [],
  read: string[] = [],
) {
  const tmp = path.join(dir, DATA_DIR, 'tmp');
  fs.mkdirSync(tmp, { recursive: true });
  const policy = sandboxPolicy({
    workspace: dir,
    runtimeModules: o.modules,
    preload: o.preload,
    extraRead: [fs.realpathSync(modules), ...read],
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
  opts: { cwd: string; env: Record<string, string>; deadline: number; stopWhen?: (stdout: string) => boolean },
): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(execPath, args, { cwd: opts.cwd, env: opts.env, detached: process.platform !== 'win32' });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let stopped = false;
    const kill = () => {
      try {
        process.kill(-(child.pid ?? 0), 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (!stopped && opts.stopWhen?.(stdout)) {
        stopped = true;
        kill();
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(
      () => {
        timedOut = true;
        kill();
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
export function runCandidateTests(o: TestRunOptions): Promise<TestRunResult> {
  const timeoutMs = o.timeoutMs ?? 120_000;
  return inScratchCopy(o, async (dir, modules) => {
    const files = o.select
      ? Object.keys(o.select).filter((f) => fs.existsSync(path.join(dir, f)))
      : testFiles(dir, o.files ?? ['test/**/*.test.ts']);
    if (files.length === 0) return { passed: 0, failed: 0, todo: 0, failures: [], output: '# faultline: no test files\n' };
    const instrumented = o.coverage ? instrumentCopy(dir, files, o.modules) : undefined;
    // One sandboxed process per test file, as `node --test` isolates them: the runner itself (which
    // would need to spawn) stays outside the sandbox.
    const box = sandboxed(o, dir, modules);
    const deadline = Date.now() + timeoutMs;
    const outputs = new Map<string, string>();
    const queue = [...files];
    let stop = false;
    const failing = (stdout: string) => parseTap(stdout).failures.length > 0;
    await Promise.all(
      Array.from({ length: Math.min(files.length, Math.max(1, os.availableParallelism())) }, async () => {
        for (let file = queue.shift(); file !== undefined && !stop; file = queue.shift()) {
          const index = files.indexOf(file);
          const names = o.select?.[file];
          const args = [
            ...box.args,
            ...(instrumented ? ['--require', instrumented.preload] : []),
            ...(names ? names.map((n) => `--test-name-pattern=${namePattern(n)}`) : []),
            '--test-reporter=tap',
            file,
          ];
          const env = instrumented
            ? box.env({
                FAULTLINE_COVERAGE: instrumented.countsFile,
                FAULTLINE_COVERAGE_OUT: path.join(dir, DATA_DIR, `coverage-${index}.json`),
              })
            : box.env();
          const r = await runToEnd(o.runtime.execPath, args, {
            cwd: dir,
            env,
            deadline,
            ...(o.bail ? { stopWhen: (out: string) => (stop ||= failing(out)) } : {}),
          });
          const late = r.timedOut ? `\n# faultline: the test suite did not finish within ${timeoutMs} ms\n` : '';
          const bailed = o.bail && failing(r.stdout) ? '\n# faultline: stopped at the first failing test\n' : '';
          outputs.set(file, `# file: ${file}\n${r.stdout}${r.stderr}${late}${bailed}`);
        }
      }),
    );
    const result: TestRunResult = parseTap(files.map((f) => outputs.get(f) ?? '').join('\n'));
    if (instrumented) {
      const tests: RunCoverage['tests'] = {};
      files.forEach((file, index) => {
        const out = path.join(dir, DATA_DIR, `coverage-${index}.json`);
        if (!fs.existsSync(out)) return; // killed or crashed: no coverage, so this file always runs in full
        try {
          tests[file] = linesByTest(JSON.parse(fs.readFileSync(out, 'utf8')) as ProcessCoverage, instrumented.files);
        } catch {
          // unreadable: as if absent
        }
      });
      result.coverage = { files, instrumented: instrumented.files.map((f) => f.rel), tests };
    }
    return result;
  });
}

/**
 * Source extensions the coverage run instruments: TypeScript, which only Node runs here. JavaScript
 * may be an asset a service serves to a browser; a change to it runs every test (never instrumented).
 */
const SOURCE = /\.(c|m)?tsx?$/;

/** The instrumented sources of a coverage run: what to write over each file, and the mark counts. */
export interface Instrumented {
  files: { rel: string; points: number[][]; code: string }[];
  /** The number of marks of each file, in file id order (the preload's FAULTLINE_COVERAGE). */
  counts: number[];
}

/**
 * Instruments every source file of a scratch copy except the test files run (and type
 * declarations); nothing is written. Without TypeScript in the runtime modules, nothing is
 * instrumented (undefined).
 */
/**
 * The parser that instruments sources: Faultline's own TypeScript (the check runner loads sucrase
 * the same way), or undefined when it cannot be loaded. Loading it takes about half a second, so
 * the check runner asks for it early (see `warm` in servers/check-runner).
 */
export function sourceParser(modules: string): typeof TS | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path.join(modules, 'typescript')) as typeof TS;
  } catch {
    return undefined;
  }
}

export function instrumentSources(dir: string, run: string[], modules: string): Instrumented | undefined {
  const ts = sourceParser(modules);
  if (!ts) return undefined;
  const files: Instrumented['files'] = [];
  const all = fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => f.split(path.sep).join('/'))
    .filter((f) => SOURCE.test(f) && !f.endsWith('.d.ts') && !run.includes(f))
    .filter((f) => !f.split('/').some((part) => SKIP.has(part) || part.startsWith('.')));
  for (const rel of all.sort()) {
    const file = path.join(dir, rel);
    if (!fs.statSync(file).isFile()) continue;
    const result = instrument(ts, fs.readFileSync(file, 'utf8'), rel, files.length);
    if (result) files.push({ rel, points: result.points, code: result.code });
  }
  return { files, counts: files.map((f) => f.points.length) };
}

/** Instruments a scratch copy in place, with the coverage preload and the mark counts beside it. */
function instrumentCopy(dir: string, run: string[], modules: string): (Instrumented & { preload: string; countsFile: string }) | undefined {
  const instrumented = instrumentSources(dir, run, modules);
  if (!instrumented) return undefined;
  for (const f of instrumented.files) fs.writeFileSync(path.join(dir, f.rel), f.code);
  const preload = path.join(dir, '.faultline-coverage.js');
  const countsFile = path.join(dir, '.faultline-coverage.json');
  fs.writeFileSync(preload, COVERAGE_PRELOAD);
  fs.writeFileSync(countsFile, JSON.stringify(instrumented.counts));
  return { ...instrumented, preload, countsFile };
}

/** Test files matching the patterns (`test/**\/*.test.ts`, or plain paths), sorted. */
export function testFiles(dir: string, patterns: string[]): string[] {
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
    // A todo or skipped test that fails is not a failure (and must not stop a run at its first failure).
    if (/ # (TODO|SKIP)\b/i.test(line)) return;
    const type = lines.slice(i + 1).find((l) => /^\s*type: '/.test(l));
    if (type?.includes("'test'")) failures.push(m[1]);
  });
  // A run stopped at its first failing test has no totals: its failures count.
  const failed = Math.max(count('fail'), failures.length);
  return {
    passed: count('pass'),
    failed: failed || (output.includes('did not finish') ? 1 : 0),
    todo: count('todo'),
    failures,
    output: output.slice(-20_000),
  };
}
