/**
 * `faultline init-exercise` end to end: the skeleton validates, scaffolds, runs with `up`, its
 * chaos mode activates, and `check` scores the starter's bug and the reference's fix.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { cliEnv, runCli, startUp, tempDir } from '../helpers';

describe('faultline init-exercise', () => {
  it('creates an exercise that runs with up, chaos and check out of the box', async (t) => {
    const home = tempDir(t, 'faultline-home-');
    const exercises = tempDir(t, 'faultline-exercises-');
    const env = cliEnv(home, { FAULTLINE_EXERCISES: exercises });
    const made = await runCli(['init-exercise', path.join(exercises, 'hello-api'), '--title', 'Hello API'], { env });
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /created exercise hello-api \(\d+ files\)/);
    assert.equal((await runCli(['validate', path.join(exercises, 'hello-api')], { env })).code, 0);
    const again = await runCli(['init-exercise', path.join(exercises, 'hello-api')], { env });
    assert.equal(again.code, 73, 'an occupied folder is refused');

    const work = tempDir(t, 'faultline-ws-');
    const scores: Record<string, number> = {};
    for (const variant of ['starter', 'reference']) {
      const dir = path.join(work, variant);
      assert.equal(
        (await runCli(['new', 'hello-api', dir, ...(variant === 'reference' ? ['--solution', 'reference'] : [])], { env })).code,
        0,
      );
      const stateFile = path.join(work, `${variant}.json`);
      const up = await startUp(t, dir, { env, stateFile });
      const chaos = await runCli(['chaos', 'status', '--state', stateFile, '--json'], { env });
      const modes = (JSON.parse(chaos.stdout) as { modes: { id: string }[] }).modes;
      assert.equal(modes.length, 1);
      const on = await runCli(['chaos', modes[0]?.id ?? '', '--state', stateFile], { env });
      assert.equal(on.code, 0, on.stderr);
      assert.equal((await runCli(['chaos', 'reset', '--state', stateFile], { env })).code, 0);
      const check = await runCli(['check', '--state', stateFile, '--json'], { env });
      assert.equal(check.code, 0, check.stderr);
      const last = check.stdout.trim().split('\n').at(-1) ?? '{}';
      scores[variant] = (JSON.parse(last) as { score: { points: number } }).score.points;
      await up.interrupt();
    }
    assert.equal(scores['starter'], 0, 'the starter has the bug the check looks for');
    assert.ok((scores['reference'] ?? 0) > 0, 'the reference solution passes it');
  });
});
