/**
 * The candidate's work as real tools report it: the totals Node's test runner prints in a real run,
 * and the size of their change over time (real git, the candidate's index untouched).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseTestSummary } from '../../extension/engine/candidateTests';
import { DiffTracker, type DiffSize } from '../../extension/engine/diff';
import { createWorkspace } from '../../extension/engine/workspace';
import { loadCatalog } from '../../extension/engine/catalog';
import { fixtures, install, nodeForServices, tempDir } from '../helpers';

describe("the candidate's test runs", () => {
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
