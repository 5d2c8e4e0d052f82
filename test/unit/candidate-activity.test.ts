/**
 * What the timeline learns of the candidate's work, without processes: which terminal commands
 * run their tests, the totals test runners print, and the scorecard's account of their runs.
 * (Real runs and real git: test/integration/candidate-activity.test.ts.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeTestActivity, isTestCommand, parseTestSummary, testActivity } from '../../extension/engine/candidateTests';

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
