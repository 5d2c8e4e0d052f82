/**
 * What the timeline learns of the candidate's work: which terminal commands run their tests, the
 * totals real test runners print, and the size of their change over time (real git).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { describeTestActivity, isTestCommand, parseTestSummary, testActivity } from '../../extension/engine/candidateTests';
import { DiffTracker, type DiffSize } from '../../extension/engine/diff';
import { createWorkspace } from '../../extension/engine/workspace';
import { loadCatalog } from '../../extension/engine/catalog';
import { fixtures, install, nodeForServices, tempDir } from '../helpers';

describe("the candidate's test runs", () => {
  it('recognises command lines that run tests, and only those', () => {
    for (const yes of [
      'npm test',
      'npm t',
      'npm run test',
      'npm run test:unit -- --watch',
      'pnpm test',
      'yarn test',
      'node --test test/',
      'node -r sucrase/register/ts --test "test/**/*.test.ts"',
      'clear && npm test',
      'npx vitest run',
      'jest --coverage',
    ])
      assert.ok(isTestCommand(yes), yes);
    for (const no of [
      'npm install',
      'npm start',
      'git commit -m "test"',
      'cat test/app.test.ts',
      'node server.js',
      'npm run attest',
      'ls tests',
    ])
      assert.ok(!isTestCommand(no), no);
  });

  it("reads the totals of Node's test runner, spec and TAP, from a real run", (t) => {
    const dir = tempDir(t);
    const file = path.join(dir, 'sample.test.mjs');
    fs.writeFileSync(
      file,
      [
        "import { test } from 'node:test';",
        "test('ok 1', () => {});",
        "test('ok 2', () => {});",
        "test('broken', () => { throw new Error('no'); });",
        "test('later', { todo: true }, () => {});",
      ].join('\n'),
    );
    // A child of this test run would report to it (NODE_TEST_CONTEXT…), not print: a clean env.
    const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '1' };
    for (const key of Object.keys(env)) if (key.startsWith('NODE_TEST')) delete env[key];
    for (const reporter of ['spec', 'tap']) {
      const r = spawnSync(nodeForServices, ['--test', `--test-reporter=${reporter}`, file], {
        encoding: 'utf8',
        env,
      });
      assert.deepEqual(parseTestSummary(r.stdout + r.stderr), { passed: 2, failed: 1, todo: 1 }, `${reporter}:\n${r.stdout}\n${r.stderr}`);
    }
  });

  it('reads Jest/Vitest and Mocha totals, and says nothing when there are none', () => {
    assert.deepEqual(parseTestSummary('Test Suites: 1 failed, 2 passed, 3 total\nTests:       2 failed, 14 passed, 16 total\n'), {
      passed: 14,
      failed: 2,
      todo: 0,
    });
    assert.deepEqual(parseTestSummary('      Tests  3 failed | 41 passed (44)\n'), { passed: 41, failed: 3, todo: 0 });
    assert.deepEqual(parseTestSummary('\n  12 passing (40ms)\n  1 pending\n  2 failing\n'), { passed: 12, failed: 2, todo: 1 });
    assert.equal(parseTestSummary('npm ERR! Missing script: "test"'), undefined);
  });
});

describe("the scorecard's account of the candidate's tests", () => {
  const run = (t: string, exitCode: number, passed?: number, failed?: number) => ({
    t,
    type: 'candidate.tests',
    command: 'npm test',
    exitCode,
    ...(passed !== undefined ? { passed, failed } : {}),
  });

  it('counts runs, finds the first all-green one and reports the last', () => {
    const events = [
      { t: '10:00', type: 'session.start' },
      run('10:05', 1, 3, 2),
      { t: '10:06', type: 'hint.sent' },
      run('10:09', 0, 5, 0),
      run('10:12', 1),
    ];
    const a = testActivity(events);
    assert.deepEqual(a, { runs: 3, firstAt: '10:05', firstGreenAt: '10:09', last: { at: '10:12', exitCode: 1 } });
    assert.equal(
      describeTestActivity(a),
      'The candidate ran their tests 3 time(s): first at 10:05, first all passing at 10:09. The last run exited with code 1.',
    );
    assert.equal(
      describeTestActivity(testActivity([run('10:05', 1, 3, 2)])),
      'The candidate ran their tests 1 time(s): first at 10:05, never all passing. The last run: 3 passed, 2 failed.',
    );
    assert.match(describeTestActivity(testActivity([])), /did not run their tests/);
  });
});

describe("the size of the candidate's change", () => {
  it('is recorded when it changes, once per change, and never touches the candidate index', async (t) => {
    const dir = path.join(tempDir(t), 'ws');
    const catalog = loadCatalog({ ...install, extraExerciseDirs: [path.join(fixtures, 'exercises')] });
    await createWorkspace({ install, exercise: catalog.get('fixture-basic'), dir });
    const recorded: DiffSize[] = [];
    const tracker = new DiffTracker(dir, (s) => recorded.push(s));
    assert.equal(await tracker.check(), undefined, 'nothing changed since the baseline');

    fs.appendFileSync(path.join(dir, 'server.js'), '\n// candidate was here\n');
    fs.writeFileSync(path.join(dir, 'notes.md'), 'one\ntwo\n');
    const [a, b] = await Promise.all([tracker.check(), tracker.check()]);
    assert.deepEqual(a, { files: 2, added: 4, removed: 0 });
    assert.deepEqual(b, a, 'concurrent checks share one snapshot');
    assert.equal(await tracker.check(), undefined, 'no change: nothing new to record');
    assert.deepEqual(recorded, [{ files: 2, added: 4, removed: 0 }]);
    assert.equal(spawnSync('git', ['diff', '--cached', '--name-only'], { cwd: dir, encoding: 'utf8' }).stdout, '', 'index untouched');

    const resumed = new DiffTracker(dir, (s) => recorded.push(s), { files: 2, added: 4, removed: 0 });
    assert.equal(await resumed.check(), undefined, 'a resumed session does not record the same size again');
  });
});
