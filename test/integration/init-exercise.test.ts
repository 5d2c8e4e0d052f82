/**
 * `faultline init-exercise` end to end: the new package validates, and `faultline test-exercise`
 * scores its reference and starter as its manifest expects and runs the package's own tests
 * (which scaffold it, start it, activate its chaos mode and run the rubric).
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { cliEnv, runCli, tempDir } from '../helpers';

describe('faultline init-exercise', () => {
  it('creates an exercise package that validates and passes test-exercise, its own tests included', async (t) => {
    const exercises = tempDir(t, 'faultline-exercises-');
    const env = cliEnv(tempDir(t, 'faultline-home-'), { FAULTLINE_EXERCISES: exercises });
    const dir = path.join(exercises, 'hello-api');
    const made = await runCli(['init-exercise', dir, '--title', 'Hello API'], { env });
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /created exercise hello-api \(\d+ files\)/);
    assert.equal((await runCli(['validate', dir], { env })).code, 0);
    const again = await runCli(['init-exercise', dir], { env });
    assert.equal(again.code, 73, 'an occupied folder is refused');

    const r = await runCli(['test-exercise', dir], { env, timeoutMs: 600_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /reference\s.*6 \/ 6\s+6 \(all\)\s+ok/);
    assert.match(r.stdout, /starter\s.*0 \/ 6\s+≤ 0\s+ok/);
    assert.match(r.stdout, /package tests: 1 file\(s\), 2 passed, 0 failed/);
  });
});
