/**
 * The complete load-pipeline rubric, as `faultline test-exercise` runs it: the reference earns
 * every automatic point; the naive solution (the original script's behaviour) loses exactly the
 * four items its mistakes cost, each with a reason in the report; the starter earns nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cliEnv, suiteCleanup, tempDir, testExerciseReport } from 'faultline/testing';

describe('load-pipeline rubric', () => {
  const t = suiteCleanup();
  const env = cliEnv(tempDir(t, 'faultline-home-'));

  it('every variant scores as the manifest expects, with the reasons in the report', async () => {
    const { report, cli: r } = await testExerciseReport('load-pipeline', { env });
    const byName = Object.fromEntries(report.variants.map((v) => [v.variant, v]));
    assert.deepEqual(
      report.variants.filter((v) => !v.ok).map((v) => `${v.variant}: ${v.problems.join('; ')}`),
      [],
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(byName['reference']?.max, 21);
    assert.equal(byName['reference']?.points, 21);
    const naive = byName['naive'];
    assert.deepEqual(naive?.lost, { 'percentile-edges': 2, 'wait-slow': 2, concurrency: 2, 'hang-split': 2 });
    const message = (id: string) => naive?.failedChecks.find((c) => c.id === id)?.message ?? '';
    assert.match(message('percentile-edges'), /p50 \[10, 20\] = 10 \(expected 15\)/);
    assert.match(message('concurrency'), /at most \d request\(s\) in flight at once with --concurrency 8/);
    assert.match(message('hang-split'), /the report counts 0 timeouts \(and \d+ http failures\)/);
    assert.match(message('wait-slow-readiness'), /wait-healthy exited 1 while the replicas were warming up/);
    assert.equal(byName['starter']?.points, 0, `starter: ${JSON.stringify(byName['starter']?.lost)}`);
    for (const v of report.variants) assert.ok(!('error' in v.tests), `${v.variant}: its own tests ran`);
  });
});
