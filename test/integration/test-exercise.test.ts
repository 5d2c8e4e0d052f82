/**
 * `faultline test-exercise <dir>` on an exercise package outside Faultline (a copy of the fixture
 * exercise): it scores the solution as its manifest's `expect` says and exits 0; with the solution
 * broken on purpose it exits non-zero and names the item that lost points.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { cliEnv, fixtures, runCli, suiteCleanup, tempDir } from '../helpers';
import type { TestExerciseReport } from '../helpers/testing';

describe('faultline test-exercise', () => {
  const t = suiteCleanup();
  const env = cliEnv(tempDir(t, 'faultline-home-'));
  const pkg = path.join(tempDir(t, 'faultline-pkgs-'), 'fixture-basic');
  fs.cpSync(path.join(fixtures, 'exercises', 'fixture-basic'), pkg, { recursive: true });
  const manifestFile = path.join(pkg, 'exercise.json');
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
  // The fixture's checks fail on purpose (a wrong counter, a slow check, a hung service, a runner that
  // dies, a database nobody created).
  manifest['expect'] = { patched: { loses: { counts: 2, slow: 1, hung: 1, dies: 0.5, chaos: 0.25 } } };
  fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));

  const run = async (...extra: string[]) =>
    runCli(['test-exercise', pkg, '--only', 'patched', '--no-package-tests', ...extra], { env, timeoutMs: 300_000 });

  it('prints the table and exits 0 when every variant scores as expected', async () => {
    const r = await run();
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /variant\s+own tests\s+automatic points\s+expected\s+verdict/);
    assert.match(r.stdout, /patched\s.*\s3\.25 \/ 8\s+3\.25 \(loses counts 2, slow 1, hung 1, dies 0\.5, chaos 0\.25\)\s+ok/);
    assert.match(r.stdout, /fixture-basic: every variant scores as its manifest says/);
  });

  it('exits non-zero and names the item when the solution is broken on purpose', async () => {
    const server = path.join(pkg, 'starter', 'server.js');
    fs.writeFileSync(
      server,
      fs.readFileSync(server, 'utf8').replace("if (url.pathname === '/upstream') {", "if (url.pathname === '/upstream-broken') {"),
    );
    const r = await run('--json');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const report = JSON.parse(r.stdout) as TestExerciseReport;
    assert.equal(report.ok, false);
    assert.deepEqual(report.variants[0]?.problems, ['alive: loses 1 point(s), should lose none']);
    assert.deepEqual(report.variants[0]?.lost, { alive: 1, counts: 2, slow: 1, hung: 1, dies: 0.5, chaos: 0.25 });
    assert.ok(report.variants[0]?.failedChecks.some((c) => c.id === 'b-reaches-a'));
  });

  it('says what is wrong with an unknown variant or a folder that is no exercise', async () => {
    const unknown = await runCli(['test-exercise', pkg, '--only', 'nope'], { env });
    assert.equal(unknown.code, 64);
    assert.match(unknown.stderr, /unknown variant nope[\s\S]*variants of fixture-basic: patched, starter/);
    const none = await runCli(['test-exercise', 'no-such-exercise'], { env });
    assert.equal(none.code, 65);
    assert.match(none.stderr, /unknown exercise "no-such-exercise"/);
  });
});
