/**
 * The package's own tests (`faultline test-exercise` runs them; `npm test` in Faultline runs those
 * of the bundled exercises). They drive the exercise as an interviewer would: scaffold a workspace,
 * start its services, call them, run the rubric.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { exerciseDir, packageEnv, runCli, scaffold, startUp, suiteCleanup, testExerciseReport } from 'faultline/testing';

describe('inventory-api exercise', () => {
  const t = suiteCleanup();
  const env = packageEnv(t, __filename);

  it('the starter answers 200 for an unknown item, the reference 404; the chaos mode activates and resets', async () => {
    for (const [solution, status] of [
      [undefined, 200],
      ['reference', 404],
    ] as const) {
      const dir = await scaffold(t, path.basename(exerciseDir(__filename)), { env, ...(solution ? { solution } : {}) });
      const stateFile = path.join(dir, '..', 'state.json');
      const up = await startUp(t, dir, { env, stateFile });
      const res = await fetch(`${up.state.services['api']?.url ?? ''}/items/999`);
      assert.equal(res.status, status, solution ?? 'starter');
      for (const args of [
        ['chaos', 'chaos_flaky'],
        ['chaos', 'reset'],
      ]) {
        const r = await runCli([...args, '--state', stateFile], { env });
        assert.equal(r.code, 0, r.stderr);
      }
      await up.interrupt();
    }
  });

  it('scores as the manifest expects: the reference every automatic point, the starter none', async () => {
    const { report } = await testExerciseReport(exerciseDir(__filename), { env });
    assert.deepEqual(
      report.variants.map((v) => `${v.variant}: ${v.points}/${v.max} ${v.ok ? 'ok' : v.problems.join('; ')}`),
      ['reference: 6/6 ok', 'starter: 0/6 ok'],
    );
  });
});
