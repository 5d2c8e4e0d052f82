/**
 * Mutation checks the Stryker way score exactly what running every mutant against the whole
 * suite scored: ledger's reference (every mutant caught) and naive solution (whose tests miss a
 * mutant, so a mutation check fails), scored with per-test selection and with
 * FAULTLINE_MUTATION_SELECTION=off, must agree check by check.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TestExerciseReport } from '../../extension/engine/interview/testExercise';
import { cliEnv, runCli, tempDir } from '../helpers';

describe('mutation selection keeps the scores', () => {
  it('ledger scores the same with and without per-test selection, check by check', async (t) => {
    const score = async (selection: 'on' | 'off') => {
      const env = cliEnv(tempDir(t, 'faultline-home-'), selection === 'off' ? { FAULTLINE_MUTATION_SELECTION: 'off' } : {});
      const r = await runCli(['test-exercise', 'ledger', '--only', 'reference,naive', '--no-package-tests', '--json'], {
        env,
        timeoutMs: 600_000,
      });
      const report = JSON.parse(r.stdout) as TestExerciseReport;
      return report.variants.map((v) => ({
        variant: v.variant,
        points: v.points,
        lost: v.lost,
        failed: v.failedChecks.map((c) => `${c.id}: ${c.status}`).sort(),
      }));
    };
    const selected = await score('on');
    const full = await score('off');
    assert.deepEqual(selected, full);
    assert.ok(
      selected.some((v) => v.failed.some((f) => f.startsWith('tests-catch-'))),
      'a mutation check fails for one of them (the comparison covers a surviving mutant)',
    );
  });
});
