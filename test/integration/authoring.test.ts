/**
 * The `initExercise` skeleton: valid, type-checked against the check API, refusing occupied
 * folders, and runnable through the real CLI.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { FaultlineError } from '../../extension/engine/errors';
import { initExercise } from '../../extension/engine/authoring/init';
import { scanCheckIds } from '../../extension/engine/manifest/checkIds';
import { formatProblem, validateManifestFile } from '../../extension/engine/manifest/validate';
import { cliEnv, npmRun, repoRoot, runCli, startUp, tempDir } from '../helpers';

const run = promisify(execFile);

async function skeleton(t: { after(fn: () => unknown): void }, id = 'demo-exercise') {
  const root = tempDir(t, 'faultline-authoring-');
  const dir = path.join(root, id);
  const result = await initExercise({ dir, install: { root: repoRoot } });
  return { root, dir, result, file: path.join(dir, 'exercise.json') };
}

describe('initExercise', () => {
  it('writes a minimal exercise that validates clean and whose checks type-check against the check API', async (t) => {
    const { dir, result, file } = await skeleton(t);
    assert.equal(result.dir, dir);
    assert.deepEqual(result.files, [
      'exercise.json',
      'interviewer/GUIDE.md',
      'interviewer/checks/basic.check.ts',
      'solutions/reference/src/app.ts',
      'solutions/reference/test/not-found.test.ts',
      'starter/README.md',
      'starter/package.json',
      'starter/src/app.ts',
      'starter/src/server.ts',
      'starter/test/app.test.ts',
      'starter/test/register.ts',
      'starter/tsconfig.json',
      'tests/api.test.ts',
      'tests/tsconfig.json',
      'tsconfig.json',
    ]);
    const guide = fs.readFileSync(path.join(repoRoot, 'docs', 'authoring.md'), 'utf8');
    for (const f of result.files) assert.ok(guide.includes(`| \`${f}\` |`), `docs/authoring.md describes ${f}`);
    const validation = validateManifestFile(file);
    assert.deepEqual(validation.problems.map(formatProblem), [], 'no errors and no warnings');
    const m = validation.manifest;
    assert.ok(m);
    assert.equal(m.id, 'demo-exercise');
    assert.equal(m.title, 'Demo exercise');
    assert.deepEqual(
      m.chaos[0]?.faults.map((f) => f.type),
      ['latency', 'http_error'],
    );
    assert.deepEqual(
      m.hints[0]?.ladder.map((s) => s.level),
      ['mild', 'medium', 'strong'],
    );
    assert.deepEqual(
      scanCheckIds(path.join(dir, 'interviewer', 'checks')).checks.map((c) => c.id),
      ['item-not-found'],
    );
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'starter', 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    const ours = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    for (const name of [...Object.keys(pkg['dependencies'] ?? {}), ...Object.keys(pkg['devDependencies'] ?? {})]) {
      assert.ok(fs.existsSync(path.join(repoRoot, 'node_modules', name, 'package.json')), `${name} is in Faultline's node_modules`);
      assert.equal(
        pkg['dependencies']?.[name] ?? pkg['devDependencies']?.[name],
        ours['dependencies']?.[name] ?? ours['devDependencies']?.[name],
      );
    }
    // `import type { DeclareChecks } from 'faultline/checks'` resolves through the generated tsconfig.
    const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    await run(process.execPath, [tsc, '-p', path.join(dir, 'tsconfig.json')]);
    fs.appendFileSync(
      path.join(dir, 'interviewer', 'checks', 'basic.check.ts'),
      '\nexport const typo: import("faultline/checks").CheckKind = "nope";\n',
    );
    const failed = await run(process.execPath, [tsc, '-p', path.join(dir, 'tsconfig.json')]).then(
      () => '',
      (err: { stdout?: string }) => err.stdout ?? 'failed without output',
    );
    assert.match(failed, /Type '"nope"' is not assignable to type '.*"functional".*'/);
  });

  it('refuses an occupied folder and an id that is not the folder name, writing nothing', async (t) => {
    const root = tempDir(t, 'faultline-authoring-');
    const occupied = path.join(root, 'occupied');
    fs.mkdirSync(occupied);
    fs.writeFileSync(path.join(occupied, 'notes.txt'), 'mine');
    await assert.rejects(
      initExercise({ dir: occupied, install: { root: repoRoot } }),
      (e: unknown) => e instanceof FaultlineError && e.code === 'directory-occupied' && /not empty/.test(e.message),
    );
    assert.deepEqual(fs.readdirSync(occupied), ['notes.txt']);
    await assert.rejects(
      initExercise({ dir: path.join(root, 'folder'), id: 'other', install: { root: repoRoot } }),
      (e: unknown) => e instanceof FaultlineError && e.code === 'usage' && /must equal its folder name "folder"/.test(e.message),
    );
    await assert.rejects(
      initExercise({ dir: path.join(root, 'Bad Name'), install: { root: repoRoot } }),
      (e: unknown) => e instanceof FaultlineError && e.code === 'usage' && /not a valid exercise id/.test(e.message),
    );
    assert.deepEqual(fs.readdirSync(root).sort(), ['occupied']);
    // An existing empty folder is fine.
    const empty = path.join(root, 'empty-one');
    fs.mkdirSync(empty);
    const made = await initExercise({ dir: empty, title: 'Empty one', install: { root: repoRoot } });
    assert.ok(made.files.includes('exercise.json'));
    assert.equal(validateManifestFile(path.join(empty, 'exercise.json')).manifest?.title, 'Empty one');
  });

  it('runs through the CLI: validate, new (with the reference solution), its own tests, up', async (t) => {
    const { root, dir } = await skeleton(t, 'authored');
    const home = tempDir(t, 'faultline-home-');
    const env = cliEnv(home, { FAULTLINE_EXERCISES: root });
    const validate = await runCli(['validate', dir], { env });
    assert.equal(validate.code, 0, validate.stdout + validate.stderr);
    assert.match(validate.stdout, /^ok .*authored\/exercise\.json$/m);

    const ws = path.join(tempDir(t, 'faultline-ws-'), 'candidate');
    const created = await runCli(['new', 'authored', ws, '--solution', 'reference'], { env });
    assert.equal(created.code, 0, created.stderr);
    assert.equal(fs.existsSync(path.join(ws, 'interviewer')), false, 'no interviewer material');
    // The candidate's own type check and tests, with the dependencies `new` installed offline.
    await run(process.execPath, [path.join(ws, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', ws]);
    // Both ways the brief offers: every file in one process, and one process per file.
    for (const script of ['test', 'test:isolated']) {
      const tests = await npmRun(ws, script);
      assert.equal(tests.code, 0, tests.output);
      assert.deepEqual(tests.counts, { tests: 3, pass: 3, fail: 0, todo: 0 }, tests.output);
    }

    const up = await startUp(t, ws, { env, stateFile: path.join(home, 'state.json') });
    const url = up.state.services['api']?.url ?? '';
    const health = await fetch(`${url}/health`);
    assert.equal(health.status, 200);
    const missing = await fetch(`${url}/items/999999`);
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { detail: 'item not found' });
    assert.equal(await up.interrupt(), 0);
  });
});
