/**
 * The API hidden checks are written against (types only; the runner provides the values).
 *
 * A check file is `interviewer/checks/<name>.check.ts` in an exercise package. It default-exports
 * a function that declares checks:
 *
 *   import type { DeclareChecks } from 'faultline/checks';
 *   const checks: DeclareChecks = (check) => {
 *     check('health', { title: 'The API answers its health path', kind: 'functional' }, async (t) => {
 *       const r = await t.http('api').get('/health');
 *       t.expect(r.status, 200, 'GET /health');
 *     });
 *   };
 *   export default checks;
 *
 * Check ids are unique per exercise and are what rubric items name in `check` / `checks`. They are
 * also found statically (`check('<id>'`), so editors and `faultline validate` can resolve them.
 * Checks run in a separate process with a timeout each, against the candidate's running services
 * (through the fault proxy), never inside the candidate workspace.
 */
import type { CandidateTestRun, CheckKind, ProgramRun } from '../model/interview';
import type { ListenerMetrics } from '../model/proxy';

export type { CandidateTestRun, CheckKind, ProgramRun };

export interface CheckOptions {
  /** What the check verifies, in one line (shown in the Testing view and the scorecard). */
  title: string;
  kind: CheckKind;
  /** Default 20 s. A check that runs longer fails with a timeout. */
  timeoutMs?: number;
  /** Activate this chaos mode for the check (reset afterwards). */
  chaos?: string;
  /**
   * The check measures time (a latency, a deadline, requests in flight): nothing runs beside it.
   * Default: true for `performance` checks. A chaos check without it may run while mutation
   * checks use the CPU (see rubric/run.ts).
   */
  timing?: boolean;
}

export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the answer is JSON, else the text. */
  body: unknown;
  text: string;
  ms: number;
}

export interface HttpClient {
  get(path: string, opts?: RequestOptions): Promise<HttpReply>;
  post(path: string, json?: unknown, opts?: RequestOptions): Promise<HttpReply>;
  put(path: string, json?: unknown, opts?: RequestOptions): Promise<HttpReply>;
  patch(path: string, json?: unknown, opts?: RequestOptions): Promise<HttpReply>;
  delete(path: string, opts?: RequestOptions): Promise<HttpReply>;
  /** application/x-www-form-urlencoded POST. */
  form(path: string, fields: Record<string, string>, opts?: RequestOptions): Promise<HttpReply>;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** Bearer token for the Authorization header. */
  token?: string;
  timeoutMs?: number;
}

export interface BurstOptions {
  method: string;
  path: string;
  count: number;
  json?: unknown;
  headers?: Record<string, string>;
  token?: string;
  /** Field holding the id in each returned object. */
  idField?: string;
}

export interface BurstReport {
  calls: { index: number; status: number; ids: unknown[]; error?: string; ms: number }[];
  duplicates: unknown[];
}

export interface CheckContext {
  /** Public URL of a service (through the fault proxy). */
  url(service: string): string;
  http(service: string): HttpClient;
  /** Read-only SQL on a service's database. */
  query(service: string, sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  chaos: { activate(mode: string, seed?: number): Promise<void>; reset(): Promise<void> };
  /** Fault-proxy traffic metrics (per listener and route); reset to measure one step. */
  metrics(): Promise<ListenerMetrics[]>;
  resetMetrics(): Promise<void>;
  /** Database statements executed by a service since the last reset. */
  queries(service: string, reset?: boolean): Promise<number>;
  burst(service: string, opts: BurstOptions): Promise<BurstReport>;
  /**
   * Run the candidate's own test suite in a scratch copy of the workspace, optionally with files
   * replaced (mutation checks: the candidate's tests must fail against a known-broken variant).
   * `files` narrows the run (default: every test/**\/*.test.ts). Identical runs are shared.
   */
  candidateTests(opts?: { replace?: Record<string, string>; files?: string[]; timeoutMs?: number }): Promise<CandidateTestRun>;
  /**
   * Run one of the candidate's programs (a CLI tool they wrote: `node -r sucrase/register/ts <entry>
   * …args`) in a scratch copy of the workspace, sandboxed like their services. `{out}` in an argument
   * is a folder it may write to; what it wrote there comes back in `outputs`. Never throws for a
   * failing program: its exit code, output and duration are the result.
   */
  candidateProgram(
    entry: string,
    opts?: { args?: string[]; env?: Record<string, string>; timeoutMs?: number; replace?: Record<string, string> },
  ): Promise<ProgramRun>;
  /** A file of the exercise package (interviewer material: solutions, mutants…), relative to it. */
  material(rel: string): string;
  /** The candidate workspace (read it; never write it). */
  workspace: string;
  /** A name unique to this check run (for users, emails…). */
  unique(prefix: string): string;
  /** Fails the check with expected vs actual unless `actual` deep-equals `expected`. */
  expect(actual: unknown, expected: unknown, what: string): void;
  /** Fails the check with a message. */
  fail(message: string, details?: { expected?: unknown; actual?: unknown }): never;
  log(message: string): void;
}

export type CheckFunction = (t: CheckContext) => Promise<void>;
export type Declare = (id: string, options: CheckOptions, fn: CheckFunction) => void;
/** Default export of a check file. */
export type DeclareChecks = (check: Declare) => void;
