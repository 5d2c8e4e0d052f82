/**
 * order-system chaos modes and rubric: every mode activates and resets at runtime; the hidden
 * checks give the reference and the "pending" solution every automatic point and the starter none.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { controlApi } from '../../extension/engine/protocol/control';
import { apiClient } from '../../extension/engine/protocol/rpc';
import { readToken } from '../../extension/engine/session';
import { cliEnv, runCli, startUp, suiteCleanup, tempDir } from '../helpers';
import type { Score } from '../../extension/engine/model/interview';

describe('order-system chaos and rubric', () => {
  const t = suiteCleanup();
  const home = tempDir(t, 'faultline-home-');
  const work = tempDir(t, 'faultline-os-rubric-');
  const env = cliEnv(home);

  let n = 0;
  async function session(variant: 'reference' | 'pending' | 'starter') {
    const dir = path.join(work, `${variant}-${++n}`);
    const created = await runCli(['new', 'order-system', dir, ...(variant === 'starter' ? [] : ['--solution', variant])], { env });
    assert.equal(created.code, 0, created.stderr);
    const stateFile = path.join(work, `${variant}-${n}.json`);
    const up = await startUp(t, dir, { env, stateFile });
    return { up, stateFile, control: apiClient(controlApi, up.state.control.url, readToken(up.state), 120_000) };
  }

  it('every chaos mode activates and resets at runtime; inventory down is visible at once', async () => {
    const { up, control } = await session('reference');
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

  for (const variant of ['reference', 'pending', 'starter'] as const) {
    it(`the ${variant} ${variant === 'starter' ? 'scores no automatic point' : 'earns every automatic point'}`, async () => {
      const { up, stateFile } = await session(variant);
      const r = await runCli(['check', '--state', stateFile, '--json'], { env, timeoutMs: 180_000 });
      assert.equal(r.code, 0, r.stderr);
      const score = (JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as { score: Score }).score;
      const auto = score.categories.flatMap((c) => c.items).filter((i) => i.kind === 'auto');
      assert.equal(auto.length, 5);
      const failed = auto.flatMap((i) => i.checks).filter((c) => c.status !== 'passed');
      if (variant === 'starter') assert.equal(score.points, 0, auto.map((i) => `${i.id}: ${i.status}`).join(', '));
      else
        assert.deepEqual(
          failed.map((c) => `${c.id}: ${c.message ?? c.status}`),
          [],
        );
      await up.interrupt();
    });
  }
});
