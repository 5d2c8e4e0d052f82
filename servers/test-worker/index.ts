/**
 * A warm test worker: one sandboxed process, started in a scratch copy of the candidate's
 * workspace by extension/engine/process/testWorkers.ts, that runs the candidate's test files one
 * job at a time, the way Stryker's runners reuse a process between mutants. The dependencies
 * (express, knex, the SQLite addon, sucrase…) load once; before each job every candidate module
 * (everything in the copy outside node_modules) leaves the module caches, so a job loads the
 * files as they are at that moment: the clean sources, an instrumented copy, a mutant.
 *
 * A job is one test file, run in a test tree of its own (`run()` of node:test, isolation "none"),
 * its TAP report streamed back over IPC as it is written. A job may ask for:
 * - only some tests, by full name (`names`): the others are not even registered, as with
 *   `--test-name-pattern` (Node's `run()` ignores that option without process isolation);
 * - `bail`: once a test has failed, the tests after it are skipped;
 * - per-test coverage (`coverage`): the marks of an instrumented copy (see
 *   extension/engine/process/coverage.ts), split by test with root hooks, returned with the result.
 *
 * Started with `--require <preload> -r sucrase/register/ts`: the sandbox and its guards are the
 * services' own. The workspace's dependencies load at start, before the first job. The worker dies with its parent (the preload's orphan watchdog).
 */
import * as fs from 'node:fs';
import { createRequire, registerHooks } from 'node:module';
import * as path from 'node:path';
import type * as NodeTest from 'node:test';
import type * as Reporters from 'node:test/reporters';
import { fileURLToPath } from 'node:url';
import type { TestWorkerIpc, TestWorkerTap } from '../../extension/engine/model/ipc';
import { serveIpc } from '../../extension/engine/protocol/ipc';

// The module object the candidate's tests get from `require('node:test')` (an import namespace
// would be a copy): its registration functions are wrapped below.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeTest = require('node:test') as typeof NodeTest & Record<string, unknown>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { tap } = require('node:test/reporters') as typeof Reporters;

const root = process.cwd();
/** The todo reason of the tests a bailing job did not run (the pool leaves them out of its counts). */
const STOPPED = 'faultline: stopped at the first failing test';
const GLOBAL = '__flcov';

/** A candidate file: in the scratch copy, not a dependency. */
function isCandidate(file: string): boolean {
  return file.startsWith(root + path.sep) && !file.split(path.sep).includes('node_modules');
}

/** Bumped per job: test files are imported under a new URL, so they run again. */
let generation = 0;

registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    if (!context.conditions.includes('import') || !resolved.url.startsWith('file:')) return resolved;
    if (!isCandidate(fileURLToPath(resolved.url)) || resolved.url.endsWith('.mjs')) return resolved;
    return { ...resolved, url: `${resolved.url}?faultline-job=${generation}` };
  },
  load(url, context, nextLoad) {
    if (!context.conditions?.includes('import') || !url.includes('?faultline-job=')) return nextLoad(url, context);
    // The test runner imports each test file as an ES module: it gets a one-line CommonJS module
    // that requires the file, so the file and everything it imports go through require (sucrase).
    const file = JSON.stringify(fileURLToPath(url.slice(0, url.indexOf('?'))));
    const source = `const r = require('node:module').createRequire(${file}); delete r.cache[${file}]; module.exports = r(${file});`;
    return { format: 'commonjs', source, shortCircuit: true };
  },
});

function purgeCandidateModules(): void {
  for (const key of Object.keys(require.cache)) if (isCandidate(key)) delete require.cache[key];
}

// --- which tests register (`names`), and bail -------------------------------------------------

interface JobState {
  names: Set<string> | null;
  seen: Set<string>;
  bail: boolean;
  failed: boolean;
}
let job: JobState = { names: null, seen: new Set(), bail: false, failed: false };
/** The names of the suites whose bodies are running (registration is synchronous). */
const suites: string[] = [];

type Fn = (...args: unknown[]) => unknown;
type Register = ((...args: unknown[]) => unknown) & Record<string, unknown>;

/** The name Node gives a test or suite: its name argument, else its function's name. */
function nameOf(args: unknown[]): string {
  if (typeof args[0] === 'string') return args[0];
  const fn = args.find((a): a is Fn => typeof a === 'function');
  return fn?.name || '<anonymous>';
}

function replaceFn(args: unknown[], wrap: (fn: Fn) => Fn): unknown[] {
  const at = args.findIndex((a) => typeof a === 'function');
  if (at < 0) return args;
  const copy = [...args];
  copy[at] = wrap(args[at] as Fn);
  return copy;
}

/**
 * A test function that notes its failure, and does nothing once a test of a bailing job failed.
 * Such a test is marked todo, not skipped: Node runs no afterEach hook for a skipped test, and
 * the app its beforeEach hooks started would stay open.
 */
function bailing(fn: Fn): Fn {
  const failed = (err: unknown) => {
    job.failed = true;
    return err;
  };
  if (fn.length >= 2) {
    // Callback style: (t, done).
    return function (this: unknown, t: unknown, done: unknown) {
      const ctx = t as NodeTest.TestContext;
      const cb = done as (err?: unknown) => void;
      if (job.bail && job.failed) {
        ctx.todo(STOPPED);
        cb();
        return;
      }
      try {
        return fn.call(this, t, (err?: unknown) => cb(err === undefined || err === null ? err : failed(err)));
      } catch (err) {
        throw failed(err);
      }
    };
  }
  return function (this: unknown, t: unknown) {
    const ctx = t as NodeTest.TestContext;
    if (job.bail && job.failed) {
      ctx.todo(STOPPED);
      return;
    }
    try {
      const result = fn.call(this, t);
      if (result && typeof (result as Promise<unknown>).then === 'function')
        return (result as Promise<unknown>).then(undefined, (err: unknown) => {
          throw failed(err);
        });
      return result;
    } catch (err) {
      throw failed(err);
    }
  };
}

const fullName = (name: string) => [...suites, name].join(' > ');

function wrapTest(original: Register): Register {
  const wrapped = function (...args: unknown[]) {
    const full = fullName(nameOf(args));
    if (job.names && !job.names.has(full)) return Promise.resolve();
    job.seen.add(full);
    return original(...replaceFn(args, bailing));
  } as Register;
  for (const variant of ['skip', 'todo', 'only', 'expectFailure']) {
    const v = original[variant];
    if (typeof v !== 'function') continue;
    wrapped[variant] = (...args: unknown[]) => {
      const full = fullName(nameOf(args));
      if (job.names && !job.names.has(full)) return Promise.resolve();
      job.seen.add(full);
      return (v as Fn)(...replaceFn(args, bailing));
    };
  }
  return wrapped;
}

function wrapSuite(original: Register): Register {
  const body = (name: string) => (fn: Fn) =>
    function (this: unknown, ...a: unknown[]) {
      suites.push(name);
      try {
        return fn.apply(this, a);
      } finally {
        suites.pop();
      }
    };
  const wanted = (full: string) => !job.names || [...job.names].some((n) => n === full || n.startsWith(`${full} > `));
  const wrapped = function (...args: unknown[]) {
    const name = nameOf(args);
    if (!wanted(fullName(name))) return Promise.resolve();
    return original(...replaceFn(args, body(name)));
  } as Register;
  for (const variant of ['skip', 'todo', 'only']) {
    const v = original[variant];
    if (typeof v !== 'function') continue;
    wrapped[variant] = (...args: unknown[]) => {
      const name = nameOf(args);
      if (!wanted(fullName(name))) return Promise.resolve();
      return (v as Fn)(...replaceFn(args, body(name)));
    };
  }
  return wrapped;
}

const test = wrapTest(nodeTest.test as unknown as Register);
const suite = wrapSuite(nodeTest.suite as unknown as Register);
for (const [key, value] of [
  ['test', test],
  ['it', test],
  ['suite', suite],
  ['describe', suite],
] as const) {
  Object.defineProperty(nodeTest, key, { value, writable: true, configurable: true, enumerable: true });
}

// --- coverage ---------------------------------------------------------------------------------

type Hits = Record<string, number[]>;

function coverageHooks(counts: number[]): () => { outside: Hits; tests: Record<string, Hits> } {
  const hits = counts.map((n) => new Uint8Array(n));
  (globalThis as Record<string, unknown>)[GLOBAL] = hits;
  const take = (): Hits => {
    const out: Hits = {};
    hits.forEach((h, f) => {
      const ids: number[] = [];
      for (let i = 0; i < h.length; i++) if (h[i]) ids.push(i);
      if (ids.length) out[f] = ids;
      h.fill(0);
    });
    return out;
  };
  const merge = (into: Hits, from: Hits) => {
    for (const [f, ids] of Object.entries(from)) into[f] = [...new Set([...(into[f] ?? []), ...ids])];
  };
  const outside: Hits = {};
  const tests: Record<string, Hits> = {};
  // Root hooks of this job's test tree (run() has just made it the current root).
  nodeTest.beforeEach(() => merge(outside, take()));
  nodeTest.afterEach((t) => {
    const name = ('fullName' in t ? t.fullName : '') || t.name;
    merge((tests[name] ??= {}), take());
  });
  return () => {
    merge(outside, take());
    return { outside, tests };
  };
}

// --- a warm start -----------------------------------------------------------------------------

/**
 * The workspace's dependencies (the `dependencies` of its package.json) load at start, while the
 * engine runs other checks: the first job then pays for its tests, not for express or knex. One
 * that cannot load is left for the tests to meet, with its own error.
 */
function loadDependencies(): void {
  const manifest = path.join(root, 'package.json');
  let names: string[];
  try {
    const { dependencies } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { dependencies?: Record<string, unknown> };
    names = Object.keys(dependencies ?? {});
  } catch {
    return;
  }
  const load = createRequire(manifest);
  for (const name of names) {
    try {
      load(name);
    } catch {
      // The tests meet it.
    }
  }
}

loadDependencies();

// --- jobs -------------------------------------------------------------------------------------

serveIpc<typeof TestWorkerIpc>({
  run: async ({ job: id, file, names, bail, coverage }) => {
    generation++;
    purgeCandidateModules();
    job = { names: names ? new Set(names) : null, seen: new Set(), bail, failed: false };
    suites.length = 0;
    const stream = nodeTest.run({ files: [path.resolve(root, file)], isolation: 'none' });
    const recorded = coverage ? coverageHooks(coverage.counts) : undefined;
    // Without process isolation, a test tree ends when the event loop has nothing left to do
    // (process 'beforeExit'), as a test file run on its own does: the channel that waits for the
    // next job must not count meanwhile. A file that leaves work behind never ends (killed at the
    // run's deadline, as a test process that does not exit is), so no job inherits another's.
    process.channel?.unref();
    try {
      for await (const chunk of stream.compose(tap) as AsyncIterable<string>) {
        process.send?.({ type: 'faultline:tap', job: id, chunk } satisfies TestWorkerTap);
      }
    } finally {
      process.channel?.ref();
    }
    return {
      unmatched: names ? names.filter((n) => !job.seen.has(n)) : [],
      ...(recorded ? { coverage: recorded() } : {}),
    };
  },
});
// The preload unrefs the IPC channel; the worker lives until the engine is done with it.
process.channel?.ref();
