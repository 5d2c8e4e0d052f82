/**
 * The check harness: loads an exercise's hidden check files and runs one check at a time with
 * the CheckContext of extension/engine/rubric/api.ts. Runs in its own process (started by the
 * engine per rubric run), so a hung check can be killed without touching anything else.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual, inspect } from 'node:util';
import type BetterSqlite3 from 'better-sqlite3';
import { runBurst } from '../../extension/engine/chaos/burst';
import type { CheckContext, CheckFunction, DeclareChecks, HttpClient, HttpReply, RequestOptions } from '../../extension/engine/rubric/api';
import type { CheckInfo } from '../../extension/engine/model/ipc';
import type { CandidateTestRun, CheckOutcome } from '../../extension/engine/model/interview';
import { controlApi } from '../../extension/engine/protocol/control';
import { apiClient } from '../../extension/engine/protocol/rpc';
import { changedLines, coveringTests, type RunCoverage } from '../../extension/engine/process/coverage';
import { runCandidateProgram, runCandidateTests, sourceParser, type TestRunResult } from '../../extension/engine/process/testRun';
import { TestWorkers } from '../../extension/engine/process/testWorkers';
import { candidateFiles } from '../../extension/engine/rubric/reuse';
import { loadSqlite } from '../shared/sqlite';

export interface RunConfig {
  checksDir: string;
  exerciseDir: string;
  workspace: string;
  modules: string;
  runtime: { execPath: string; env: Record<string, string>; version: string };
  /** The service preload (its sandbox guards apply to the candidate's tests and programs). */
  preload: string;
  services: Record<string, { url: string; database?: string }>;
  control: { url: string; token: string };
  /** How many of the candidate's test files run at once (warm test workers). */
  pool: number;
  /** A folder for the workers' scratch copies, owned (and removed) by the engine. */
  scratch: string;
}

export class CheckFailure extends Error {
  constructor(
    message: string,
    readonly details: { expected?: unknown; actual?: unknown } = {},
  ) {
    super(message);
  }
}

const show = (v: unknown) => inspect(v, { depth: 4, breakLength: 120, maxStringLength: 300 });

export class Harness {
  private readonly checks = new Map<string, { info: CheckInfo; fn: CheckFunction }>();
  private readonly problems: string[] = [];
  private sqlite: typeof BetterSqlite3 | undefined;
  private readonly control;
  private readonly testRuns = new Map<string, Promise<TestRunResult>>();
  private workers: TestWorkers | undefined;

  constructor(private readonly config: RunConfig) {
    this.control = apiClient(controlApi, config.control.url, config.control.token, 120_000);
  }

  /** Loads every *.check.ts / *.check.js of the checks folder. */
  load(): { checks: CheckInfo[]; problems: string[] } {
    const dir = this.config.checksDir;
    const files = fs.existsSync(dir)
      ? fs
          .readdirSync(dir)
          .filter((f) => /\.check\.(ts|js)$/.test(f))
          .sort()
      : [];
    for (const f of files) {
      const file = path.join(dir, f);
      try {
        // Check files are found at run time, so they are loaded with require (compiled by sucrase).
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const mod = require(file) as { default?: DeclareChecks } | DeclareChecks;
        const declare = typeof mod === 'function' ? mod : mod.default;
        if (typeof declare !== 'function') throw new Error('must default-export a function that declares checks');
        declare((id, options, fn) => {
          if (this.checks.has(id)) {
            this.problems.push(`${f}: check "${id}" is declared twice (also in ${path.basename(this.checks.get(id)?.info.file ?? '')})`);
            return;
          }
          this.checks.set(id, { info: { id, file, ...options }, fn });
        });
      } catch (err) {
        this.problems.push(`${f}: ${(err as Error).stack ?? String(err)}`);
      }
    }
    return { checks: [...this.checks.values()].map((c) => c.info), problems: this.problems };
  }

  async run(id: string): Promise<CheckOutcome> {
    const started = performance.now();
    const logs: string[] = [];
    const entry = this.checks.get(id);
    if (!entry) return { id, status: 'error', ms: 0, message: `no check "${id}" in ${this.config.checksDir}`, logs };
    const timeoutMs = entry.info.timeoutMs ?? 20_000;
    let timer: NodeJS.Timeout | undefined;
    const state: CheckState = {};
    try {
      await Promise.race([
        entry.fn(this.context(id, logs, state)),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new TimeoutError(`did not finish within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return { id, status: 'passed', ms: Math.round(performance.now() - started), logs, ...inputsOf(state) };
    } catch (err) {
      const ms = Math.round(performance.now() - started);
      if (err instanceof TimeoutError) return { id, status: 'timeout', ms, message: err.message, logs };
      if (err instanceof CheckFailure) {
        return {
          id,
          status: 'failed',
          ms,
          message: state.uncovered ? `${err.message} (${state.uncovered})` : err.message,
          ...('expected' in err.details ? { expected: err.details.expected } : {}),
          ...('actual' in err.details ? { actual: err.details.actual } : {}),
          logs,
          ...inputsOf(state),
        };
      }
      return { id, status: 'error', ms, message: (err as Error).stack ?? String(err), logs };
    } finally {
      clearTimeout(timer);
    }
  }

  private context(id: string, logs: string[], state: CheckState): CheckContext {
    const cfg = this.config;
    const service = (name: string) => {
      const s = cfg.services[name];
      if (!s) throw new CheckFailure(`no service "${name}"; services: ${Object.keys(cfg.services).join(', ')}`);
      return s;
    };
    let counter = 0;
    const unique = `${id.replace(/[^a-z0-9]/gi, '').slice(0, 12)}${crypto.randomBytes(3).toString('hex')}`;
    const context: CheckContext = {
      url: (name) => service(name).url,
      http: (name) => httpClient(service(name).url),
      query: (name, sql, params = []) => {
        const file = service(name).database;
        if (!file) throw new CheckFailure(`service "${name}" has no database`);
        this.sqlite ??= loadSqlite(cfg.workspace, cfg.modules);
        const db = new this.sqlite(file, { readonly: true, fileMustExist: true });
        try {
          db.pragma('busy_timeout = 5000');
          return Promise.resolve(db.prepare(sql).all(...params) as Record<string, unknown>[]);
        } finally {
          db.close();
        }
      },
      chaos: {
        activate: async (mode, seed) => {
          await this.control.chaosActivate({ mode, ...(seed !== undefined ? { seed } : {}) });
        },
        reset: async () => {
          await this.control.chaosReset({});
        },
      },
      metrics: () => this.control.metrics(null),
      resetMetrics: async () => {
        await this.control.resetMetrics({});
      },
      queries: async (name, reset = false) => (await this.control.queryStats({ service: name, reset })).reduce((n, s) => n + s.queries, 0),
      burst: (name, o) =>
        runBurst({
          url: service(name).url + o.path,
          method: o.method,
          headers: {
            ...(o.json !== undefined ? { 'content-type': 'application/json' } : {}),
            ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
            ...o.headers,
          },
          ...(o.json !== undefined ? { body: JSON.stringify(o.json) } : {}),
          count: o.count,
          idField: o.idField ?? 'id',
        }),
      candidateTests: (o) => this.candidateTests(o ?? {}, state, logs),
      candidateProgram: (entry, o = {}) =>
        runCandidateProgram({ workspace: cfg.workspace, modules: cfg.modules, preload: cfg.preload, runtime: cfg.runtime, entry, ...o }),
      material: (rel) => {
        const file = path.resolve(cfg.exerciseDir, rel);
        if (!file.startsWith(path.resolve(cfg.exerciseDir) + path.sep)) throw new CheckFailure(`material "${rel}" is outside the exercise`);
        return fs.readFileSync(file, 'utf8');
      },
      workspace: cfg.workspace,
      unique: (prefix) => `${prefix}_${unique}${counter++}`,
      expect: (actual, expected, what) => {
        if (!isDeepStrictEqual(actual, expected))
          throw new CheckFailure(`${what}: expected ${show(expected)}, got ${show(actual)}`, { expected, actual });
      },
      fail: (message, details) => {
        throw new CheckFailure(message, details);
      },
      log: (message) => {
        logs.push(message);
      },
    };
    // Whatever reaches the services or the workspace directly depends on every candidate file.
    const opaque = [
      'url',
      'http',
      'query',
      'chaos',
      'metrics',
      'resetMetrics',
      'queries',
      'burst',
      'candidateProgram',
      'workspace',
    ] as const;
    return new Proxy(context, {
      get(target, key, receiver) {
        if ((opaque as readonly (string | symbol)[]).includes(key)) state.opaque = true;
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
  }

  /**
   * The candidate's own test suite in a scratch copy of the workspace, with some files replaced.
   * Mutation testing the Stryker way: a check's first run records which lines each test runs (its
   * baseline); a later run of the same check that changes files (a mutant) runs only the tests
   * that run a changed line and stops at the first failing one, and a mutant no test runs
   * survives at once, with the reason in the check's log and message.
   */
  private async candidateTests(
    o: { replace?: Record<string, string>; files?: string[]; timeoutMs?: number },
    state: CheckState,
    logs: string[],
  ): Promise<CandidateTestRun> {
    // FAULTLINE_MUTATION_SELECTION=off runs every candidate suite in full, as before (benchmarks compare the two).
    if (process.env['FAULTLINE_MUTATION_SELECTION'] === 'off') {
      state.opaque = true;
      const { coverage, ...full } = await this.shared(o);
      void coverage;
      return full;
    }
    const baseline = state.baseline;
    const selection = baseline ? this.selection(baseline, o) : undefined;
    if (selection?.uncovered) {
      state.uncovered = selection.uncovered;
      logs.push(`mutant survived: ${selection.uncovered}`);
      return {
        passed: 0,
        failed: 0,
        todo: 0,
        failures: [],
        output: `# faultline: ${selection.uncovered}\n`,
        uncovered: selection.uncovered,
      };
    }
    const run = await this.shared({
      ...o,
      ...(selection ? { select: selection.files, bail: true } : { coverage: true }),
    });
    if (!selection) {
      // What this run of the candidate's tests depended on: the test files and the files they ran.
      // Every candidate file, except the source files no test ran a line of.
      const coverage = run.coverage;
      if (!coverage || coverage.files.some((f) => !coverage.tests[f])) state.opaque = true;
      else {
        const ran = new Set<string>();
        for (const byTest of Object.values(coverage.tests))
          for (const byFile of Object.values(byTest)) for (const [rel, lines] of Object.entries(byFile)) if (lines.length > 0) ran.add(rel);
        const unrun = new Set(coverage.instrumented.filter((rel) => !ran.has(rel)));
        state.inputs ??= new Set();
        for (const rel of candidateFiles(this.config.workspace)) if (!unrun.has(rel)) state.inputs.add(rel);
      }
    }
    if (!baseline && run.coverage && run.failed === 0) {
      state.baseline = { replace: o.replace ?? {}, requested: o.files, coverage: run.coverage };
    }
    const { coverage, ...result } = run;
    void coverage;
    return result;
  }

  /** Identical runs (same files, same options) are shared between checks. */
  private shared(
    o: Parameters<typeof runCandidateTests>[0] extends infer T ? Omit<T, 'workspace' | 'modules' | 'preload' | 'runtime'> : never,
  ): Promise<TestRunResult> {
    const key = crypto.createHash('sha256').update(JSON.stringify(o)).digest('hex');
    let run = this.testRuns.get(key);
    if (!run) {
      const { workspace, modules, preload, runtime } = this.config;
      const workers = this.testWorkers();
      run = workers ? workers.run(o) : runCandidateTests({ workspace, modules, preload, runtime, ...o });
      this.testRuns.set(key, run);
    }
    return run;
  }

  /**
   * The warm test workers, started on first use; undefined when every run is asked for as before
   * (FAULTLINE_MUTATION_SELECTION=off or FAULTLINE_TEST_WORKERS=off: a process per test file, the
   * reference the benchmarks and the score test compare with).
   */
  private testWorkers(): TestWorkers | undefined {
    if (process.env['FAULTLINE_MUTATION_SELECTION'] === 'off' || process.env['FAULTLINE_TEST_WORKERS'] === 'off') return undefined;
    if (!this.workers) {
      const { workspace, modules, preload, runtime, pool, scratch } = this.config;
      this.workers = new TestWorkers({ workspace, modules, preload, runtime, size: pool, scratch });
      this.workers.warm();
    }
    return this.workers;
  }

  /**
   * Gets ready for the candidate's tests while the engine runs other checks: the test workers
   * start (loading Node, the sandbox and the workspace's dependencies) and the parser that
   * instruments sources for per-test coverage loads. Without it the first mutation check paid for
   * both, about two seconds on the critical path of a run.
   */
  warm(): void {
    this.testWorkers();
    if (process.env['FAULTLINE_MUTATION_SELECTION'] !== 'off') sourceParser(this.config.modules);
  }

  /** Stops the test workers (their scratch copies go with the engine's folder). */
  close(): void {
    this.workers?.close();
    this.workers = undefined;
  }

  /** Which tests a run must try, given the check's baseline: those that run a line the run changes. */
  private selection(
    baseline: Baseline,
    o: { replace?: Record<string, string>; files?: string[] },
  ): ReturnType<typeof coveringTests> | undefined {
    // Another set of test files than the baseline's: no selection, the run is what it asks for.
    if (JSON.stringify(o.files ?? null) !== JSON.stringify(baseline.requested ?? null)) return undefined;
    const replace = o.replace ?? {};
    const read = (rel: string) => {
      try {
        return fs.readFileSync(path.resolve(this.config.workspace, rel), 'utf8');
      } catch {
        return '';
      }
    };
    const changes: Record<string, { first: number; last: number }> = {};
    for (const rel of new Set([...Object.keys(baseline.replace), ...Object.keys(replace)])) {
      const range = changedLines(baseline.replace[rel] ?? read(rel), replace[rel] ?? read(rel));
      if (range) changes[path.posix.normalize(rel.split(path.sep).join('/'))] = range;
    }
    if (Object.keys(changes).length === 0) return undefined;
    return coveringTests(baseline.coverage, baseline.coverage.files, changes);
  }
}

/** A check's first clean run of the candidate's tests, with the lines each test ran. */
interface Baseline {
  replace: Record<string, string>;
  /** The `files` it was asked for. */
  requested?: string[] | undefined;
  coverage: RunCoverage;
}

/** What one check run knows about its candidate test runs. */
interface CheckState {
  baseline?: Baseline;
  /** Why a mutant survived without a run, when one did. */
  uncovered?: string;
  /** Candidate files its result depends on (from coverage)… */
  inputs?: Set<string>;
  /** …unless it reached the services or the workspace some other way: then every file. */
  opaque?: boolean;
}

function inputsOf(state: CheckState): { inputs?: string[] } {
  return !state.opaque && state.inputs ? { inputs: [...state.inputs].sort() } : {};
}

class TimeoutError extends Error {}

function httpClient(base: string): HttpClient {
  const send = async (
    method: string,
    p: string,
    body: string | undefined,
    type: string | undefined,
    o: RequestOptions = {},
  ): Promise<HttpReply> => {
    const headers: Record<string, string> = {
      ...(type ? { 'content-type': type } : {}),
      ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
      ...o.headers,
    };
    const started = performance.now();
    let res: Response;
    try {
      res = await fetch(base + p, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      const why =
        (err as Error).name === 'TimeoutError' ? `no answer within ${o.timeoutMs ?? 10_000} ms` : (cause ?? (err as Error).message);
      throw new CheckFailure(`${method} ${p}: ${why}`);
    }
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: res.status, headers: Object.fromEntries(res.headers.entries()), body: parsed, text, ms: performance.now() - started };
  };
  const json = (v: unknown) => (v === undefined ? undefined : JSON.stringify(v));
  return {
    get: (p, o) => send('GET', p, undefined, undefined, o),
    delete: (p, o) => send('DELETE', p, undefined, undefined, o),
    post: (p, j, o) => send('POST', p, json(j), j === undefined ? undefined : 'application/json', o),
    put: (p, j, o) => send('PUT', p, json(j), 'application/json', o),
    patch: (p, j, o) => send('PATCH', p, json(j), 'application/json', o),
    form: (p, fields, o) => send('POST', p, new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded', o),
  };
}
