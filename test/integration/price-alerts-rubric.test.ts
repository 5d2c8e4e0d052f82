/**
 * The complete price-alerts rubric through `faultline check`: the reference solution earns every
 * automatic point, the untouched starter about none, the naive solution passes the functional
 * checks and fails the performance and race checks. Runs one after the other (the performance
 * checks measure time).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { cliEnv, runCli, startUp, suiteCleanup, tempDir } from '../helpers';
import type { Score } from '../../extension/engine/model/interview';

/** `check --json` streams one JSON event per line and ends with the result. */
function lastLine(stdout: string): unknown {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? '{}') as unknown;
}

interface CheckRun {
  aborted: boolean;
  score: Score;
}

describe('price-alerts rubric', () => {
  const t = suiteCleanup();
  const home = tempDir(t, 'faultline-home-');
  const work = tempDir(t, 'faultline-pa-rubric-');
  const env = cliEnv(home);

  async function rubric(variant: 'reference' | 'naive' | 'starter'): Promise<{ run: CheckRun; html: string }> {
    const dir = path.join(work, variant);
    const created = await runCli(['new', 'price-alerts', dir, ...(variant === 'starter' ? [] : ['--solution', variant])], { env });
    assert.equal(created.code, 0, created.stderr);
    const stateFile = path.join(work, `${variant}.json`);
    const up = await startUp(t, dir, { env, stateFile });
    const html = path.join(work, `${variant}.html`);
    const r = await runCli(['check', '--state', stateFile, '--json', '--html', html], { env, timeoutMs: 300_000 });
    assert.equal(r.code, 0, r.stderr);
    await up.interrupt();
    return { run: lastLine(r.stdout) as CheckRun, html: fs.readFileSync(html, 'utf8') };
  }

  const autoItems = (s: Score) => s.categories.flatMap((c) => c.items.filter((i) => i.kind === 'auto'));
  const category = (s: Score, id: string) => s.categories.find((c) => c.id === id);
  const failedChecks = (s: Score) =>
    autoItems(s)
      .flatMap((i) => i.checks)
      .filter((c) => c.status !== 'passed')
      .map((c) => `${c.id}: ${c.message ?? c.status}`);

  it('the reference solution earns every automatic point', async () => {
    const { run, html } = await rubric('reference');
    assert.equal(run.aborted, false);
    const auto = autoItems(run.score);
    assert.equal(auto.length, 23);
    assert.deepEqual(failedChecks(run.score), []);
    const max = auto.reduce((n, i) => n + i.max, 0);
    assert.equal(max, 36);
    assert.equal(run.score.points, 36);
    assert.match(html, /src\/alerts\/service\.ts/, 'the scorecard shows the candidate diff');
  });

  it('the untouched starter scores close to nothing', async () => {
    const { run } = await rubric('starter');
    assert.ok(
      run.score.points <= 2,
      `starter: ${run.score.points} points (${autoItems(run.score)
        .filter((i) => i.earned > 0)
        .map((i) => i.id)
        .join(', ')})`,
    );
    assert.equal(category(run.score, 'tests')?.earned, 0, 'no mutant is caught by the eight provided tests alone');
  });

  it('the naive solution passes the functional checks and fails the performance and race checks', async () => {
    const { run } = await rubric('naive');
    const feature = category(run.score, 'feature');
    assert.equal(feature?.earned, feature?.max, failedChecks(run.score).join('\n'));
    assert.equal(category(run.score, 'tests')?.earned, 9, 'the naive solution ships all 17 tests');
    const byId = Object.fromEntries(autoItems(run.score).map((i) => [i.id, i]));
    for (const id of ['queries', 'latency', 'race']) assert.equal(byId[id]?.status, 'failed', `${id} fails on the naive solution`);
    assert.match(byId['queries']?.checks[0]?.message ?? '', /ran \d+ database statements \(N\+1\?\)/);
    assert.match(byId['race']?.checks[0]?.message ?? '', /were triggered by more than one concurrent check/);
  });
});
