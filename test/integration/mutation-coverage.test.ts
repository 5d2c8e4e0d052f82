/**
 * Mutation checks the Stryker way, on real sandboxed runs of a small candidate workspace: the
 * clean run records which lines each test runs, a mutant runs only the tests that run a changed
 * line and stops at its first failing test, and a mutant no test runs is known without a run.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { coveringTests } from '../../extension/engine/process/coverage';
import { runCandidateTests } from '../../extension/engine/process/testRun';
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
