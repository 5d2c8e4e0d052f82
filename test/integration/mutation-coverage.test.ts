/**
 * Mutation checks the Stryker way, on real sandboxed runs of a small candidate workspace: the
 * clean run records which lines each test runs, a mutant runs only the tests that run a changed
 * line and stops at its first failing test, and a mutant no test runs is known without a run.
 * The same runs in warm test workers (one process reused between runs) give the same results.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { coveringTests, type RunCoverage } from '../../extension/engine/process/coverage';
import { runCandidateTests } from '../../extension/engine/process/testRun';
import { TestWorkers } from '../../extension/engine/process/testWorkers';
import { supportsPermission } from '../../extension/engine/process/sandbox';
import { install, tempDir } from '../helpers';

const MATH = [
  '/** Arithmetic the tests cover, except neg. */',
  'export function add(a: number, b: number): number {',
  '  const sum = a + b;',
  '  return sum;',
  '}',
  '',
  'export function mul(a: number, b: number): number {',
  '  const product = a * b;',
  '  return product;',
  '}',
  '',
  'export function neg(a: number): number {',
  '  return -a;',
  '}',
  '',
  'export const twice = (a: number): number => mul(a, 2);',
  '',
].join('\n');

const MATH_TEST = [
  "import assert from 'node:assert/strict';",
  "import { describe, it } from 'node:test';",
  "import { add, mul, twice } from '../src/math';",
  '',
  "describe('math', () => {",
  "  it('adds', () => assert.equal(add(2, 3), 5));",
  "  it('multiplies', () => assert.equal(mul(2, 3), 6));",
  "  it('doubles', () => assert.equal(twice(4), 8));",
  "  it('adds again', () => assert.equal(add(1, 1), 2));",
  '});',
  '',
].join('\n');

const OTHER_TEST = [
  "import assert from 'node:assert/strict';",
  "import { it } from 'node:test';",
  '',
  "it('concatenates', () => assert.equal('a' + 'b', 'ab'));",
  '',
].join('\n');

function workspace(t: Parameters<typeof tempDir>[0]): string {
  const dir = tempDir(t, 'faultline-mutation-');
  fs.mkdirSync(path.join(dir, 'src'));
  fs.mkdirSync(path.join(dir, 'test'));
  fs.writeFileSync(path.join(dir, 'src', 'math.ts'), MATH);
  fs.writeFileSync(path.join(dir, 'test', 'math.test.ts'), MATH_TEST);
  fs.writeFileSync(path.join(dir, 'test', 'other.test.ts'), OTHER_TEST);
  return dir;
}

const options = (dir: string) => ({
  workspace: dir,
  modules: install.runtimeModules,
  preload: path.join(install.serversDir, 'preload.js'),
  runtime: { execPath: process.execPath, env: {}, version: process.version },
  timeoutMs: 60_000,
});

const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('mutation checks the Stryker way', () => {
  it('the clean run records the lines each test runs, sandboxed, without touching the workspace', async (t) => {
    assert.ok(supportsPermission(process.version), 'these runs are sandboxed');
    const dir = workspace(t);
    const run = await runCandidateTests({ ...options(dir), coverage: true });
    assert.equal(run.failed, 0, run.output);
    assert.equal(run.passed, 5, run.output);
    const coverage = run.coverage;
    assert.ok(coverage, 'coverage recorded');
    assert.deepEqual(coverage.files, ['test/math.test.ts', 'test/other.test.ts']);
    assert.ok(coverage.instrumented.includes('src/math.ts'));
    const math = coverage.tests['test/math.test.ts'];
    assert.ok(math, JSON.stringify(coverage.tests));
    const ran = (name: string) => math[`math > ${name}`]?.['src/math.ts'] ?? [];
    for (const l of lines(3, 4)) assert.ok(ran('adds').includes(l), `adds runs line ${l}`);
    for (const l of lines(8, 9)) assert.ok(!ran('adds').includes(l), `adds does not run line ${l}`);
    for (const l of lines(8, 9)) assert.ok(ran('multiplies').includes(l) && ran('doubles').includes(l));
    assert.ok(!Object.values(math).some((byFile) => byFile['src/math.ts']?.includes(13)), 'nobody runs neg');
    // The other file never loads src/math.ts.
    assert.deepEqual(Object.keys(coverage.tests['test/other.test.ts']?.['concatenates'] ?? {}).includes('src/math.ts'), false);
    assert.equal(fs.readFileSync(path.join(dir, 'src', 'math.ts'), 'utf8'), MATH, 'the workspace is untouched');

    // A mutant of mul: only the tests that run mul, in the file that loads it.
    const mulMutant = coveringTests(coverage, coverage.files, { 'src/math.ts': { first: 8, last: 8 } });
    assert.deepEqual(mulMutant, { files: { 'test/math.test.ts': ['math > multiplies', 'math > doubles'] } });
    // A mutant of neg: no test runs it, so it survives without a run.
    const negMutant = coveringTests(coverage, coverage.files, { 'src/math.ts': { first: 13, last: 13 } });
    assert.deepEqual(negMutant.files, {});
    assert.match(negMutant.uncovered ?? '', /no test of the candidate runs the changed code \(src\/math\.ts:13\)/);

    // The selected run: only the covering tests, stopped at the first failure.
    const broken = MATH.replace('const product = a * b;', 'const product = a + b;');
    const mutant = await runCandidateTests({ ...options(dir), replace: { 'src/math.ts': broken }, select: mulMutant.files, bail: true });
    // Stopped by killing the process at the first `not ok`: a test that finished meanwhile may show too.
    assert.ok(mutant.failed >= 1 && mutant.failed <= 2, mutant.output);
    assert.equal(mutant.failures[0], 'multiplies', mutant.output);
    assert.equal(mutant.passed, 0, mutant.output);
    assert.match(mutant.output, /stopped at the first failing test/);
    assert.doesNotMatch(mutant.output, /concatenates|adds/);
  });

  it('without bail every test of the selection runs', async (t) => {
    const dir = workspace(t);
    const broken = MATH.replace('const product = a * b;', 'const product = a + b;');
    const mutant = await runCandidateTests({
      ...options(dir),
      replace: { 'src/math.ts': broken },
      select: { 'test/math.test.ts': ['math > multiplies', 'math > doubles'] },
    });
    assert.equal(mutant.failed, 2, mutant.output);
    assert.equal(mutant.passed, 0, mutant.output);
  });
});

describe('warm test workers (what mutation checks run in)', () => {
  /** Coverage with its keys sorted, to compare two runs. */
  const canonical = (c: RunCoverage | undefined) =>
    JSON.stringify(c, (_, v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
    );
  const pool = (t: Parameters<typeof tempDir>[0], dir: string, size = 1) => {
    const workers = new TestWorkers({ ...options(dir), size, scratch: tempDir(t, 'faultline-workers-') });
    t.after(() => workers.close());
    return workers;
  };

  it('give the results of a process per test file, and load each run’s files afresh in the same process', async (t) => {
    const dir = workspace(t);
    const workers = pool(t, dir);
    const reference = await runCandidateTests({ ...options(dir), coverage: true });
    const clean = await workers.run({ coverage: true, timeoutMs: 60_000 });
    assert.equal(clean.passed, 5, clean.output);
    assert.equal(clean.failed, 0, clean.output);
    assert.equal(canonical(clean.coverage), canonical(reference.coverage), 'the same lines per test');

    const select = { 'test/math.test.ts': ['math > multiplies', 'math > doubles'] };
    const broken = MATH.replace('const product = a * b;', 'const product = a + b;');
    const mutant = await workers.run({ replace: { 'src/math.ts': broken }, select, bail: true, timeoutMs: 60_000 });
    assert.equal(mutant.failed, 1, mutant.output);
    assert.deepEqual(mutant.failures, ['multiplies'], mutant.output);
    assert.equal(mutant.passed, 0, mutant.output);
    assert.equal(mutant.todo, 0, 'the tests after the first failure are not counted');
    assert.match(mutant.output, /stopped at the first failing test/);
    assert.doesNotMatch(mutant.output, /concatenates|- adds/);

    // The same process, the clean file again: the mutant is gone from its module cache.
    const again = await workers.run({ select, bail: true, timeoutMs: 60_000 });
    assert.equal(again.failed, 0, again.output);
    assert.equal(again.passed, 2, again.output);
    assert.equal(fs.readFileSync(path.join(dir, 'src', 'math.ts'), 'utf8'), MATH, 'the workspace is untouched');
  });

  it('reuse one process between runs, and replace it when a run hangs or kills it', async (t) => {
    const dir = workspace(t);
    fs.writeFileSync(
      path.join(dir, 'test', 'pid.test.ts'),
      "import { it } from 'node:test';\nit('says its pid', () => console.log(`pid=${process.pid}`));\n",
    );
    const workers = pool(t, dir);
    const pid = async () => {
      const r = await workers.run({ files: ['test/pid.test.ts'], timeoutMs: 60_000 });
      assert.equal(r.passed, 1, r.output);
      return /pid=(\d+)/.exec(r.output)?.[1];
    };
    const first = await pid();
    assert.ok(first);
    assert.equal(await pid(), first, 'the same warm process');

    // Work left behind keeps a test file from ending, as it keeps a test process from exiting.
    const hang = await workers.run({
      replace: { 'test/pid.test.ts': "import { it } from 'node:test';\nit('leaves a timer', () => { setInterval(() => {}, 1000); });\n" },
      files: ['test/pid.test.ts'],
      timeoutMs: 3000,
    });
    assert.equal(hang.failed, 1, hang.output);
    assert.match(hang.output, /did not finish within 3000 ms/);
    const second = await pid();
    assert.ok(second && second !== first, 'a new process after the hang');

    const exit = await workers.run({
      replace: { 'test/pid.test.ts': "import { it } from 'node:test';\nit('exits', () => { process.exit(3); });\n" },
      files: ['test/pid.test.ts'],
      timeoutMs: 60_000,
    });
    assert.match(exit.output, /the test process exited \(code 3\)/);
    const third = await pid();
    assert.ok(third && third !== second, 'a new process after the exit');
  });

  it("load the workspace's dependencies before their first run", async (t) => {
    // `ms` is a dependency nothing in a worker loads by itself; the test file does not import it.
    const loaded = [
      "import assert from 'node:assert/strict';",
      "import * as path from 'node:path';",
      "import { it } from 'node:test';",
      "it('finds ms loaded', () => assert.ok(Object.keys(require.cache).some((k) => k.includes(`${path.sep}ms${path.sep}`)), 'ms is not loaded'));",
      '',
    ].join('\n');
    const run = async (dependencies: Record<string, string>) => {
      const dir = workspace(t);
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'deps', private: true, dependencies }));
      fs.writeFileSync(path.join(dir, 'test', 'deps.test.ts'), loaded);
      return pool(t, dir).run({ files: ['test/deps.test.ts'], timeoutMs: 60_000 });
    };
    const warm = await run({ ms: '*' });
    assert.equal(warm.passed, 1, warm.output);
    // Without it in package.json, nothing loads it: the same test fails.
    const cold = await run({});
    assert.equal(cold.failed, 1, cold.output);
    assert.match(cold.output, /ms is not loaded/);
  });

  it('run a whole file when a selected test cannot be picked by name (a selection only widens)', async (t) => {
    const dir = workspace(t);
    const workers = pool(t, dir);
    const r = await workers.run({ select: { 'test/math.test.ts': ['math > adds', 'a name no test has'] }, timeoutMs: 60_000 });
    assert.equal(r.passed, 4, r.output);
    assert.match(r.output, /1 selected test\(s\) could not be picked by name; the whole file ran/);
  });
});
