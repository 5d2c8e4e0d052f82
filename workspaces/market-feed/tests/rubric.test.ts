/**
 * The complete market-feed rubric, as `faultline test-exercise` runs it: the reference solution
 * earns every automatic point, the naive one loses what the manifest's `expect` says (the seed's
 * limiter, the cache without TTL, the deep /health, unbounded buffers), the starter next to nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cliEnv, suiteCleanup, tempDir, testExerciseReport } from 'faultline/testing';

describe('market-feed rubric', () => {
  const t = suiteCleanup();
  const env = cliEnv(tempDir(t, 'faultline-home-'));

  it('every variant scores as the manifest expects, with the reasons in the report', async () => {
    const { report, cli: r } = await testExerciseReport('market-feed', { env, timeoutMs: 900_000 });
    const byName = Object.fromEntries(report.variants.map((v) => [v.variant, v]));
    assert.deepEqual(
      report.variants.filter((v) => !v.ok).map((v) => `${v.variant}: ${v.problems.join('; ')}`),
      [],
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(byName['reference']?.points, byName['reference']?.max);
    const naive = byName['naive'];
    const message = (id: string) => naive?.failedChecks.find((c) => c.id === id)?.message ?? '';
    assert.match(message('health-slow-dependency'), /pulled|disconnected|took/);
    assert.match(message('rate-limit-replicas'), /two limiters|replicas/);
    assert.ok((byName['starter']?.points ?? 99) <= 5, `starter: ${JSON.stringify(byName['starter']?.lost)}`);
    for (const v of report.variants) assert.ok(!('error' in v.tests), `${v.variant}: its own tests ran`);
  });
});
