/**
 * Warm test workers: the candidate's tests run in a few long-lived sandboxed processes instead of
 * one new process per test file, the way Stryker reuses its test runners between mutants. A
 * mutant's run then costs its tests, not a Node start-up with every dependency loaded again.
 *
 * Each worker (servers/test-worker) has its own scratch copy of the workspace, made when it
 * starts, and runs one test file at a time. For a job, the pool writes the job's files over the
 * copy (the run's `replace`, and the instrumented sources of a coverage run), the worker drops
 * every candidate module from its caches and runs the file, and the pool puts the copy back.
 * The results are those of `runCandidateTests` (./testRun): the same TAP totals, failures,
 * per-test coverage, selection by test name and stop at the first failure.
 *
 * A worker that dies, or overruns a run's deadline, is killed and replaced by a new one for the
 * next job; what it printed before counts, as for a process of its own. Tests a worker could not
 * select by name (a name it cannot reproduce) run in full instead: a selection may only widen.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TestWorkerIpc, TestWorkerTap } from '../model/ipc';
import { IpcTimeout, type IpcResult } from '../protocol/ipc';
import { linesByTest, type RunCoverage } from './coverage';
import { ChildGroup } from './group';
import { copyTree, instrumentSources, parseTap, sandboxed, testFiles, type TestRunOptions, type TestRunResult } from './testRun';

export interface TestWorkersOptions extends Pick<TestRunOptions, 'workspace' | 'modules' | 'preload' | 'runtime'> {
  /** How many workers run at once. */
  size: number;
  /** A folder the pool's scratch copies go in (removed by whoever made it; `close` empties it too). */
  scratch: string;
}

/** One run, as `runCandidateTests` takes it, minus what the pool already knows. */
export type PooledRun = Omit<TestRunOptions, 'workspace' | 'modules' | 'preload' | 'runtime'>;

/** The worker script: bundled next to the preload (dist/servers/). */
const workerScript = (preload: string) => path.join(path.dirname(preload), 'test-worker.js');

let jobs = 0;

class Worker {
  readonly dir: string;
  readonly group: ChildGroup<typeof TestWorkerIpc>;
  private output = '';
  private current: { job: number; tap: string } | undefined;

  constructor(o: TestWorkersOptions, base: string, index: number) {
    this.dir = fs.mkdtempSync(path.join(o.scratch, `worker-${index}-`));
    copyTree(base, this.dir);
    const modules = fs.existsSync(path.join(o.workspace, 'node_modules')) ? path.join(o.workspace, 'node_modules') : o.modules;
    fs.symlinkSync(modules, path.join(this.dir, 'node_modules'), 'dir');
    const script = workerScript(o.preload);
    const box = sandboxed(o, this.dir, modules, [], [script]);
    this.group = new ChildGroup<typeof TestWorkerIpc>({
      execPath: o.runtime.execPath,
      args: [...box.args, script],
      cwd: this.dir,
      env: box.env(),
      label: `a test worker (${path.basename(this.dir)})`,
    });
    // What the candidate's code prints goes with the job's report, as a test process's output would.
    const keep = (d: string) => {
      this.output = (this.output + d).slice(-100_000);
    };
    this.group.child.stdout?.on('data', keep);
    this.group.child.stderr?.on('data', keep);
    this.group.child.on('message', (m: Partial<TestWorkerTap>) => {
      if (m?.type === 'faultline:tap' && this.current && m.job === this.current.job && typeof m.chunk === 'string')
        this.current.tap += m.chunk;
    });
  }

  get usable(): boolean {
    return this.group.running;
  }

  /**
   * Runs one file with `files` written over the copy (the copy is put back after). Resolves with
   * the report text, whether the worker finished the job, and its result.
   */
  async run(
    spec: { file: string; names: string[] | null; bail: boolean; counts?: number[] | undefined },
    files: Record<string, string>,
    deadline: number,
  ): Promise<{ text: string; result?: IpcResult<typeof TestWorkerIpc, 'run'>; timedOut?: boolean }> {
    const restore = this.write(files);
    const job = ++jobs;
    this.current = { job, tap: '' };
    this.output = '';
    try {
      const result = await this.group.ipc.call(
        'run',
        { job, file: spec.file, names: spec.names, bail: spec.bail, ...(spec.counts ? { coverage: { counts: spec.counts } } : {}) },
        Math.max(1, deadline - Date.now()),
      );
      return { text: this.current.tap + this.output, result };
    } catch (err) {
      // Overran the deadline or died: it is not used again.
      this.group.kill();
      const exit = await this.group.exited;
      if (err instanceof IpcTimeout) return { text: this.current.tap + this.output, timedOut: true };
      const how = exit.signal ?? `code ${exit.code ?? '?'}`;
      return { text: `${this.current.tap}${this.output}\n# faultline: the test process exited (${how}) before the file ended\n` };
    } finally {
      this.current = undefined;
      restore();
    }
  }

  /** Writes files over the copy; returns what puts it back. */
  private write(files: Record<string, string>): () => void {
    const saved = new Map<string, string | null>();
    for (const [rel, content] of Object.entries(files)) {
      const file = path.resolve(this.dir, rel);
      if (!file.startsWith(this.dir + path.sep)) throw new Error(`cannot replace ${rel}: outside the workspace`);
      saved.set(file, fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
    return () => {
      for (const [file, content] of saved) {
        if (content === null) fs.rmSync(file, { force: true });
        else fs.writeFileSync(file, content);
      }
    };
  }

  close(): void {
    this.group.kill();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export class TestWorkers {
  private readonly idle: Worker[] = [];
  private readonly waiting: { resolve: (w: Worker) => void; reject: (e: Error) => void }[] = [];
  private readonly all = new Set<Worker>();
  /** The workspace as the pool started: every worker's copy, the file lists and instrumentation come from it. */
  private readonly base: string;
  private made = 0;
  private closed = false;

  constructor(private readonly o: TestWorkersOptions) {
    fs.mkdirSync(o.scratch, { recursive: true });
    this.base = fs.mkdtempSync(path.join(o.scratch, 'base-'));
    copyTree(o.workspace, this.base);
  }

  /** Starts the workers now (they load Node and the sandbox while other work goes on). */
  warm(): void {
    while (this.all.size < this.o.size) this.idle.push(this.make());
  }

  private make(): Worker {
    const w = new Worker(this.o, this.base, this.made++);
    this.all.add(w);
    return w;
  }

  private acquire(): Promise<Worker> {
    if (this.closed) return Promise.reject(new Error('the test workers are closed'));
    for (let w = this.idle.shift(); w; w = this.idle.shift()) {
      if (w.usable) return Promise.resolve(w);
      this.drop(w);
    }
    if (this.all.size < this.o.size) return Promise.resolve(this.make());
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private release(w: Worker): void {
    if (this.closed) return;
    if (!w.usable) this.drop(w);
    const next = this.waiting.shift();
    if (next) next.resolve(w.usable ? w : this.make());
    else if (w.usable) this.idle.push(w);
  }

  private drop(w: Worker): void {
    this.all.delete(w);
    w.close();
  }

  /** The candidate's tests as `runCandidateTests` runs them, in the pool's workers. */
  async run(o: PooledRun): Promise<TestRunResult> {
    const timeoutMs = o.timeoutMs ?? 120_000;
    const deadline = Date.now() + timeoutMs;
    const replace = Object.fromEntries(
      Object.entries(o.replace ?? {}).map(([rel, c]) => [path.posix.normalize(rel.split(path.sep).join('/')), c]),
    );
    const exists = (rel: string) => rel in replace || fs.existsSync(path.join(this.base, rel));
    const files = o.select ? Object.keys(o.select).filter(exists) : this.testFiles(o.files ?? ['test/**/*.test.ts'], replace);
    if (files.length === 0) return { passed: 0, failed: 0, todo: 0, failures: [], output: '# faultline: no test files\n' };
    const instrumented = o.coverage ? this.instrument(replace, files) : undefined;
    const written = { ...replace, ...Object.fromEntries((instrumented?.files ?? []).map((f) => [f.rel, f.code])) };
    const bail = o.bail ?? false;
    const outputs = new Map<string, string>();
    const coverage: RunCoverage['tests'] = {};
    const queue = [...files];
    let stop = false;
    const failing = (text: string) => parseTap(text).failures.length > 0;
    const one = async (file: string, w: Worker) => {
      let names = o.select?.[file] ?? null;
      let r = await w.run({ file, names, bail, counts: instrumented?.counts }, written, deadline);
      let note = '';
      if (r.result && names && r.result.unmatched.length > 0 && !(bail && failing(r.text))) {
        // Tests it could not pick by name: the whole file runs instead (a selection may only widen).
        note = `# faultline: ${r.result.unmatched.length} selected test(s) could not be picked by name; the whole file ran\n`;
        names = null;
        r = await w.run({ file, names, bail }, written, deadline);
      }
      const late = r.timedOut ? `\n# faultline: the test suite did not finish within ${timeoutMs} ms\n` : '';
      if (bail && failing(r.text)) stop = true;
      const bailed = bail && failing(r.text) ? '\n# faultline: stopped at the first failing test\n' : '';
      outputs.set(file, `# file: ${file}\n${note}${r.text}${late}${bailed}`);
      if (instrumented && r.result?.coverage) coverage[file] = linesByTest(r.result.coverage, instrumented.files);
    };
    await Promise.all(
      Array.from({ length: Math.min(files.length, this.o.size) }, async () => {
        for (let file = queue.shift(); file !== undefined && !stop; file = queue.shift()) {
          const w = await this.acquire();
          try {
            if (!stop) await one(file, w);
          } finally {
            this.release(w);
          }
        }
      }),
    );
    const text = files.map((f) => outputs.get(f) ?? '').join('\n');
    const result: TestRunResult = parseTap(text);
    // Tests a bailing job did not run are todo in its report (see servers/test-worker): not counted.
    result.todo = Math.max(0, result.todo - (text.match(/ # TODO faultline: stopped at the first failing test$/gm) ?? []).length);
    if (instrumented) result.coverage = { files, instrumented: instrumented.files.map((f) => f.rel), tests: coverage };
    return result;
  }

  /** Test files matching the patterns in the workspace with `replace` written over it, sorted. */
  private testFiles(patterns: string[], replace: Record<string, string>): string[] {
    const present = testFiles(this.base, patterns);
    const matches = (f: string, p: string) => (p.includes('*') ? path.posix.matchesGlob(f, p) : f === path.posix.normalize(p));
    const added = Object.keys(replace).filter((rel) => !present.includes(rel) && patterns.some((p) => matches(rel, p)));
    return [...present, ...added].sort();
  }

  /** The instrumented sources of the workspace with `replace` written over it (in a copy of its own). */
  private instrument(replace: Record<string, string>, run: string[]) {
    const dir = fs.mkdtempSync(path.join(this.o.scratch, 'instrument-'));
    try {
      copyTree(this.base, dir);
      for (const [rel, content] of Object.entries(replace)) {
        const file = path.resolve(dir, rel);
        if (!file.startsWith(dir + path.sep)) throw new Error(`cannot replace ${rel}: outside the workspace`);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, content);
      }
      return instrumentSources(dir, run, this.o.modules);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Kills every worker and removes the pool's copies. */
  close(): void {
    this.closed = true;
    for (const w of this.all) w.close();
    this.all.clear();
    this.idle.length = 0;
    for (const next of this.waiting.splice(0)) next.reject(new Error('the test workers are closed'));
    fs.rmSync(this.base, { recursive: true, force: true });
  }
}
