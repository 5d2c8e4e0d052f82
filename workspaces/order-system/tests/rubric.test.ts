/**
 * order-system chaos modes and rubric: every mode activates and resets at runtime; the hidden
 * checks give the reference and the "pending" solution every automatic point and the starter none
 * (through `faultline test-exercise`, which checks them against the manifest's `expect`).
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { cliEnv, controlClient, runCli, startUp, suiteCleanup, tempDir, testExerciseReport } from 'faultline/testing';

describe('order-system chaos and rubric', () => {
  const t = suiteCleanup();
  const home = tempDir(t, 'faultline-home-');
  const work = tempDir(t, 'faultline-os-rubric-');
  const env = cliEnv(home);

  async function session() {
    const dir = path.join(work, 'reference');
    const created = await runCli(['new', 'order-system', dir, '--solution', 'reference'], { env });
    assert.equal(created.code, 0, created.stderr);
    const up = await startUp(t, dir, { env, stateFile: path.join(work, 'reference.json') });
    return { up, control: controlClient(up.state) };
  }

  it('every chaos mode activates and resets at runtime; inventory down is visible at once', async () => {
    const { up, control } = await session();
    const web = up.state.services['web']?.url ?? '';
    const orders = up.state.services['orders']?.url ?? '';
    for (const mode of ['inventory_down', 'inventory_slow', 'inventory_errors', 'reservation_lost']) {
      const on = await control.chaosActivate({ mode });
      assert.equal(on.mode, mode);
      if (mode === 'inventory_down') {
        assert.equal((await fetch(`${web}/api/products`)).status, 502, 'the web page cannot reach inventory');
        const order = await fetch(`${orders}/api/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ product_id: 1, quantity: 1 }),
        });
        assert.equal(order.status, 503);
      }
      const off = await control.chaosReset({});
      assert.deepEqual(off.failed, []);
      assert.ok(
        off.health.every((h) => h.ok),
        `${mode}: every service healthy after reset`,
      );
    }
    assert.equal((await fetch(`${web}/api/products`)).status, 200);
    await up.interrupt();
  });

  it('the reference and the pending solution earn every automatic point, the starter none (test-exercise)', async () => {
    const { report, cli: r } = await testExerciseReport('order-system', { env });
    assert.deepEqual(
      report.variants.map((v) => `${v.variant}: ${v.points}/${v.max} ${v.ok ? 'ok' : v.problems.join('; ')}`),
      ['reference: 5/5 ok', 'pending: 5/5 ok', 'starter: 0/5 ok'],
    );
    assert.equal(r.code, 0, r.stderr);
  });
});
