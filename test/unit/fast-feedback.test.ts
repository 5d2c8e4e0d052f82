/**
 * The rules behind fast feedback, as pure functions: the order a rubric run runs its checks in,
 * how many mutation checks run at the same time on a given machine, and how a mutant's tests are
 * chosen from per-test coverage (instrumentation, changed lines, covering tests, name patterns).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { changedLines, coveringTests, instrument, namePattern, type RunCoverage } from '../../extension/engine/process/coverage';
import { parseTap } from '../../extension/engine/process/testRun';
import type { TimelineEvent } from '../../extension/engine/model/interview';
import type { CheckInfo } from '../../extension/engine/model/ipc';
import { fingerprint, lastCompleteRun } from '../../extension/engine/rubric/reuse';
import { measuresTime, mutationPoolSize, runOrder, runPlan } from '../../extension/engine/rubric/run';

const MB = 1024 * 1024;

describe('the mutation pool follows the machine', () => {
  it('one worker per core while memory allows', () => {
    assert.equal(mutationPoolSize({ cores: 2, freeBytes: 8192 * MB }), 2);
    assert.equal(mutationPoolSize({ cores: 16, freeBytes: 64 * 1024 * MB }), 16);
  });
  it('fewer workers when free memory is short, never none', () => {
    assert.equal(mutationPoolSize({ cores: 16, freeBytes: 1024 * MB }, 256 * MB), 4);
    assert.equal(mutationPoolSize({ cores: 8, freeBytes: 100 * MB }, 256 * MB), 1);
    assert.equal(mutationPoolSize({ cores: 0, freeBytes: 0 }), 1);
  });
});

describe('the order of a rubric run', () => {
  const info = (id: string, kind: CheckInfo['kind'], chaos?: string): [string, Pick<CheckInfo, 'kind' | 'chaos'>] => [
    id,
    { kind, ...(chaos ? { chaos } : {}) },
  ];
  const infos = new Map([
    info('t-mutant', 'mutation'),
    info('race', 'functional', 'chaos_race'),
    info('create', 'functional'),
    info('t-other', 'mutation'),
    info('bad-data', 'functional', 'chaos_data'),
    info('list', 'functional'),
  ]);
  it('functional checks without chaos first, then chaos ones, then mutation checks; declared order within each', () => {
    const entries = ['t-mutant', 'race', 'create', 't-other', 'bad-data', 'list', 'unknown'].map((id): [string, number] => [id, 0]);
    assert.deepEqual(
      runOrder(entries, infos).map(([id]) => id),
      ['create', 'list', 'unknown', 'race', 'bad-data', 't-mutant', 't-other'],
    );
  });
});

describe('what runs beside the mutation checks', () => {
  const infos = new Map<string, Pick<CheckInfo, 'kind' | 'chaos' | 'timing'>>([
    ['create', { kind: 'functional' }],
    ['latency', { kind: 'performance', chaos: 'chaos_stress' }],
    ['t-mutant', { kind: 'mutation' }],
    ['race', { kind: 'concurrency', chaos: 'chaos_race' }],
    ['health-fast', { kind: 'chaos', chaos: 'slow_dependency', timing: true }],
    ['bad-data', { kind: 'chaos', chaos: 'chaos_data' }],
    ['queries', { kind: 'performance', chaos: 'chaos_stress', timing: false }],
    ['slow-alone', { kind: 'functional', timing: true }],
  ]);
  it('a check measures time when it says so, and performance checks by default', () => {
    assert.equal(measuresTime(infos.get('latency')), true);
    assert.equal(measuresTime(infos.get('queries')), false, 'a performance check that counts queries may say it does not');
    assert.equal(measuresTime(infos.get('health-fast')), true);
    assert.equal(measuresTime(infos.get('race')), false);
    assert.equal(measuresTime(undefined), false);
  });
  it('checks without chaos first, alone; chaos checks beside the mutation pool; chaos checks that measure time last, alone', () => {
    const entries = [...infos.keys(), 'unknown'].map((id): [string, number] => [id, 0]);
    const plan = runPlan(entries, infos);
    const ids = (list: [string, number][]) => list.map(([id]) => id);
    assert.deepEqual(ids(plan.first), ['create', 'slow-alone', 'unknown']);
    assert.deepEqual(ids(plan.beside), ['race', 'bad-data', 'queries']);
    assert.deepEqual(ids(plan.mutation), ['t-mutant']);
    assert.deepEqual(ids(plan.last), ['latency', 'health-fast']);
  });
});

describe('per-test coverage for mutants', () => {
  const source = [
    "import { x } from './x';", // 1
    'export interface Shape { a: number }', // 2
    'export function f(a: number): number {', // 3
    "  'use strict';", // 4
    '  if (a > 1) return 2;', // 5
    '  return [a].map((v) => v * 2)[0] ?? 0;', // 6
    '}', // 7
    'const g = () => ({ y: x });', // 8
    'switch (x) {', // 9
    '  case 1:', // 10
    '    f(1);', // 11
    '}', // 12
    '',
  ].join('\n');

  it('instruments statements and arrow bodies on their own lines, and leaves declarations and directives alone', () => {
    const r = instrument(ts, source, 'a.ts', 7);
    assert.ok(r);
    assert.equal(r.code.split('\n').length, source.split('\n').length, 'line numbers stay');
    const code = r.code.split('\n');
    assert.equal(code[0], source.split('\n')[0], 'imports are not marked');
    assert.equal(code[1], source.split('\n')[1], 'types are not marked');
    assert.equal(code[2], source.split('\n')[2], 'a function declaration runs nothing');
    assert.equal(code[3], "  'use strict';", 'directives stay directives');
    assert.match(code[4] ?? '', /^ {2}__flcov\[7\]\[\d+\]=1;if \(a > 1\) return 2;$/);
    assert.match(code[5] ?? '', /\(v\) => \(__flcov\[7\]\[\d+\]=1,v \* 2\)/);
    assert.match(code[7] ?? '', /=> \(__flcov\[7\]\[\d+\]=1,\(\{ y: x \}\)\);$/);
    assert.match(code[10] ?? '', /__flcov\[7\]\[\d+\]=1;f\(1\);/);
    // Each point stands for its own lines: the switch not for the body of a function in it.
    assert.ok(r.points.some((p) => p.join() === '9,10,11,12'));
    assert.equal(instrument(ts, 'const = ;', 'broken.ts', 0), null, 'what does not parse is not instrumented');
  });

  it('the lines a change touches, by common prefix and suffix', () => {
    assert.equal(changedLines('a\nb\nc', 'a\nb\nc'), null);
    assert.deepEqual(changedLines('a\nb\nc\nd', 'a\nB\nC\nd'), { first: 2, last: 3 });
    assert.deepEqual(changedLines('a\nb\nc', 'a\nc'), { first: 2, last: 2 }, 'a deleted line');
    assert.deepEqual(changedLines('a\nc', 'a\nb\nc'), { first: 1, last: 2 }, 'an insertion: the lines around it');
  });

  it('chooses the tests that run a changed line; what cannot be told runs in full; nothing to run is said', () => {
    const coverage: RunCoverage = {
      files: ['test/a.test.ts', 'test/b.test.ts', 'test/c.test.ts'],
      instrumented: ['src/m.ts', 'test/helpers.ts'],
      tests: {
        'test/a.test.ts': { 'a > one': { 'src/m.ts': [1, 2, 3] }, 'a > two': { 'src/m.ts': [1, 7] } },
        'test/b.test.ts': { three: { 'test/helpers.ts': [4] } },
        // test/c.test.ts: no coverage came back (killed): it always runs in full
      },
    };
    assert.deepEqual(coveringTests(coverage, coverage.files, { 'src/m.ts': { first: 2, last: 2 } }).files, {
      'test/a.test.ts': ['a > one'],
      'test/c.test.ts': null,
    });
    assert.deepEqual(coveringTests(coverage, ['test/a.test.ts', 'test/b.test.ts'], { 'src/m.ts': { first: 5, last: 6 } }), {
      files: {},
      uncovered: 'no test of the candidate runs the changed code (src/m.ts:5–6), so the mutant survives without a run',
    });
    // A changed file that was not instrumented (it did not parse, or is data): every test runs.
    assert.deepEqual(coveringTests(coverage, ['test/a.test.ts', 'test/b.test.ts'], { 'src/data.json': { first: 1, last: 1 } }).files, {
      'test/a.test.ts': null,
      'test/b.test.ts': null,
    });
    // A changed test file runs in full.
    assert.deepEqual(coveringTests(coverage, ['test/b.test.ts'], { 'test/b.test.ts': { first: 1, last: 1 } }).files, {
      'test/b.test.ts': null,
    });
  });

  it('a name pattern matches exactly one test by its full name', () => {
    const re = new RegExp(namePattern('alerts > create (x) > returns 404 for $1.50?'));
    assert.ok(re.test('alerts create (x) returns 404 for $1.50?'));
    assert.ok(!re.test('alerts create (x) returns 404 for $1.50? again'));
    assert.ok(!re.test('create (x) returns 404 for $1.50?'));
  });
});

describe('check --changed: what a check depends on', () => {
  const inputs = (files: Record<string, string>, chaos: unknown = null, exercise = 'ex1') => ({
    exercise,
    chaos,
    files: new Map(Object.entries(files)),
  });
  const base = { 'src/a.ts': 'h1', 'src/b.ts': 'h2', 'test/a.test.ts': 'h3' };

  it('a check that names its files depends on those files, the list of files, the exercise and the chaos state', () => {
    const deps = ['src/a.ts', 'test/a.test.ts'];
    const fp = fingerprint(inputs(base), deps);
    assert.equal(fingerprint(inputs({ ...base }), deps), fp, 'same inputs, same fingerprint');
    assert.equal(fingerprint(inputs({ ...base, 'src/b.ts': 'changed' }), deps), fp, 'a file it does not depend on');
    assert.notEqual(fingerprint(inputs({ ...base, 'src/a.ts': 'changed' }), deps), fp, 'a file it depends on');
    assert.notEqual(fingerprint(inputs({ ...base, 'src/new.ts': 'h9' }), deps), fp, 'a file added');
    assert.notEqual(fingerprint(inputs(base, { mode: 'chaos_data', seed: 1 }), deps), fp, 'the chaos state');
    assert.notEqual(fingerprint(inputs(base, null, 'ex2'), deps), fp, 'the exercise');
  });

  it('a check that does not name its files depends on all of them', () => {
    const fp = fingerprint(inputs(base));
    assert.notEqual(fingerprint(inputs({ ...base, 'src/b.ts': 'changed' })), fp);
  });

  it('reuses only the last complete, not cancelled, run', () => {
    const ev = (type: string, data: Record<string, unknown>): TimelineEvent => ({ t: '2026-12-04T10:00:00Z', type, ...data });
    const result = (run: string, id: string, fp?: string) =>
      ev('rubric.check', {
        run,
        id,
        title: id,
        kind: 'functional',
        status: 'passed',
        ms: 1,
        logs: [],
        items: [],
        categories: [],
        ...(fp ? { fingerprint: fp } : {}),
      });
    const events = [
      result('r1', 'a', 'f1'),
      result('r1', 'b', 'f2'),
      ev('rubric.end', { run: 'r1', complete: true, aborted: false }),
      result('r2', 'a', 'f3'),
      ev('rubric.end', { run: 'r2', complete: false, aborted: false }),
      result('r3', 'a', 'f4'),
      ev('rubric.end', { run: 'r3', complete: true, aborted: true }),
    ];
    const last = lastCompleteRun(events);
    assert.deepEqual([...last.keys()], ['a', 'b']);
    assert.equal(last.get('a')?.fingerprint, 'f1');
    assert.equal(lastCompleteRun(events.slice(0, 2)).size, 0, 'no complete run yet');
  });
});

describe('reading a run stopped at its first failing test', () => {
  const failing = (n: number, name: string, directive = '') =>
    [`not ok ${n} - ${name}${directive}`, '  ---', '  duration_ms: 1', "  type: 'test'", '  ...'].join('\n');
  it('counts the failures when the totals never came (the process was stopped)', () => {
    const run = parseTap(['TAP version 13', 'ok 1 - first', failing(2, 'second')].join('\n'));
    assert.equal(run.failed, 1);
    assert.deepEqual(run.failures, ['second']);
  });
  it('a failing todo or skipped test is not a failure', () => {
    const run = parseTap(
      ['TAP version 13', failing(1, 'later', ' # TODO'), failing(2, 'off', ' # SKIP'), 'ok 3 - fine', '# todo 1', '# fail 0'].join('\n'),
    );
    assert.equal(run.failed, 0);
    assert.deepEqual(run.failures, []);
  });
});
