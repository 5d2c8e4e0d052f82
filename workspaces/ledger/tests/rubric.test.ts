/**
 * The complete ledger rubric, as `faultline test-exercise` runs it: the reference solution earns
 * every automatic point, the naive one loses exactly what the manifest's `expect` says (the
 * withdrawal burst across two replicas, the broker outage, the test that would catch a lost
 * update), the untouched starter only the baseline contract.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cliEnv, suiteCleanup, tempDir, testExerciseReport } from 'faultline/testing';

describe('ledger rubric', () => {
  const t = suiteCleanup();
  const env = cliEnv(tempDir(t, 'faultline-home-'));

  it('every variant scores as the manifest expects, with the reasons in the report', async () => {
    const { report, cli: r } = await testExerciseReport('ledger', { env, timeoutMs: 900_000 });
    const byName = Object.fromEntries(report.variants.map((v) => [v.variant, v]));
    assert.deepEqual(
      report.variants.filter((v) => !v.ok).map((v) => `${v.variant}: ${v.problems.join('; ')}`),
      [],
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(byName['reference']?.max, 25);
    assert.equal(byName['reference']?.points, 25);
    const naive = byName['naive'];
    assert.deepEqual(naive?.lost, { concurrency: 4, outbox: 4, 't-concurrency': 2 });
    const message = (id: string) => naive?.failedChecks.find((c) => c.id === id)?.message ?? '';
    assert.match(message('withdrawal-burst'), /lost update|withdrawals that succeeded/);
    assert.match(message('broker-down'), /still misses events/);
    assert.ok((byName['starter']?.points ?? 99) <= 3, `starter: ${JSON.stringify(byName['starter']?.lost)}`);
    for (const v of report.variants) assert.ok(!('error' in v.tests), `${v.variant}: its own tests ran`);
  });
});
