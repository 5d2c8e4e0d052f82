/**
 * The complete price-alerts rubric, as `faultline test-exercise` runs it: the reference solution
 * earns every automatic point, the naive one loses exactly what the manifest's `expect` says (bad
 * data, float precision, the N+1 check, its latency, the race), the untouched starter about none.
 * The variants run one after the other (the performance checks measure time).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cliEnv, suiteCleanup, tempDir, testExerciseReport } from 'faultline/testing';

describe('price-alerts rubric', () => {
  const t = suiteCleanup();
  const env = cliEnv(tempDir(t, 'faultline-home-'));

  it('every variant scores as the manifest expects, with the reasons in the report', async () => {
    const { report, cli: r } = await testExerciseReport('price-alerts', { env });
    const byName = Object.fromEntries(report.variants.map((v) => [v.variant, v]));
    assert.deepEqual(
      report.variants.filter((v) => !v.ok).map((v) => `${v.variant}: ${v.problems.join('; ')}`),
      [],
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(byName['reference']?.max, 36);
    assert.equal(byName['reference']?.points, 36);
    const naive = byName['naive'];
    assert.deepEqual(naive?.lost, { 'bad-data': 3, precision: 2, queries: 2, latency: 2, race: 3 });
    const message = (id: string) => naive?.failedChecks.find((c) => c.id === id)?.message ?? '';
    assert.match(message('stress-queries'), /ran \d+ database statements \(N\+1\?\)/);
    assert.match(message('race'), /were triggered by more than one concurrent check/);
    assert.ok((byName['starter']?.points ?? 99) <= 2, `starter: ${JSON.stringify(byName['starter']?.lost)}`);
    for (const v of report.variants) assert.ok(!('error' in v.tests), `${v.variant}: its own tests ran`);
  });
});
