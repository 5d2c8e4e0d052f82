/**
 * The price-alerts exercise end to end: scaffolded by the CLI, run by the supervisor, driven over
 * real HTTP; the starter's own test suite inside scaffolded workspaces; no orphans after kill -9.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { priceAlertsContract } from './contract';
import {
  cliEnv,
  eventually,
  exerciseDir,
  isAlive,
  npmRun,
  runCli,
  startUp,
  suiteCleanup,
  tempDir,
  type UpProcess,
} from 'faultline/testing';

const PROVIDED_ALERT_TESTS = [
  'creates an alert for when the price goes above a target',
  'creates an alert for when the price goes below a target',
  'returns an empty list when there are no alerts',
  'returns the alerts that were created',
  'gets an alert by id',
  'deletes an alert',
  'triggers an "above" alert when the price is at or above the target',
  'triggers a "below" alert when the price is at or below the target',
];

describe('price-alerts exercise', () => {
  const t = suiteCleanup();
  const home = tempDir(t, 'faultline-home-');
  const work = tempDir(t, 'faultline-pa-');
  const env = cliEnv(home);

  async function scaffold(name: string, solution?: string): Promise<string> {
    const dir = path.join(work, name);
    const r = await runCli(['new', 'price-alerts', dir, ...(solution ? ['--solution', solution] : [])], { env });
    assert.equal(r.code, 0, r.stderr);
    return dir;
  }

  describe('served by `faultline up` with the reference solution', () => {
    let up: UpProcess | undefined;
    before(async () => {
      const dir = await scaffold('reference-served', 'reference');
      up = await startUp(t, dir, { env, stateFile: path.join(work, 'reference.state.json') });
    });
    priceAlertsContract(() => up?.state.services['api']?.url ?? 'http://127.0.0.1:1');

    it('leaves no service process behind when the CLI is killed with SIGKILL', async () => {
      assert.ok(up);
      const pid = up.state.services['api']?.pid;
      assert.ok(pid && isAlive(pid));
      up.child.kill('SIGKILL');
      await up.exited;
      await eventually(() => !isAlive(pid), 2000, 'the api process to exit');
    });
  });

  it('the starter workspace holds only candidate material', async () => {
    const dir = await scaffold('starter-files');
    const files = fs
      .readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
      .filter((f) => !f.startsWith('node_modules') && !f.startsWith('.git' + path.sep));
    assert.ok(files.includes('README.md') && files.includes('src/alerts/service.ts'));
    const exercise = exerciseDir(__filename);
    const secrets = [
      fs.readFileSync(path.join(exercise, 'interviewer', 'GUIDE.md'), 'utf8'),
      fs.readFileSync(path.join(exercise, 'solutions', 'reference', 'src', 'alerts', 'service.ts'), 'utf8'),
      fs.readFileSync(path.join(exercise, 'solutions', 'naive', 'src', 'alerts', 'service.ts'), 'utf8'),
      fs.readFileSync(path.join(exercise, 'exercise.json'), 'utf8'),
    ];
    for (const f of files) {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      for (const secret of secrets) assert.notEqual(text, secret, `${f} is interviewer material`);
      assert.doesNotMatch(text, /chaos_(data|stress|race|boundary|precision|inconsistent)|reference solution|naive solution/i, f);
    }
  });

  it("the starter's provided alert tests fail on the starter; everything else passes", async () => {
    const run = await npmRun(await scaffold('starter'), 'test');
    assert.equal(run.code, 1, run.output);
    assert.equal(run.counts.fail, 8, run.output);
    assert.equal(run.counts.todo, 9, run.output);
    assert.deepEqual([...run.failed].sort(), [...PROVIDED_ALERT_TESTS].sort(), run.output);
  });

  for (const solution of ['reference', 'naive']) {
    it(`the ${solution} solution passes all 17 alert tests and type-checks strictly`, async () => {
      const dir = await scaffold(solution, solution);
      const run = await npmRun(dir, 'test');
      assert.equal(run.code, 0, run.output);
      assert.equal(run.counts.fail, 0);
      assert.equal(run.counts.todo, 0, 'the nine TODO tests are written');
      assert.ok(run.counts.pass >= 80, `${run.counts.pass} tests passed`);
      const tsc = await npmRun(dir, 'typecheck');
      assert.equal(tsc.code, 0, tsc.output);
    });
  }

  it('npm test compiles only the files that changed since the last run, and runs without its cache', async () => {
    const dir = await scaffold('compile-cache');
    const cache = path.join(dir, 'node_modules', '.cache', 'sucrase');
    const entries = () => new Map(fs.readdirSync(cache).map((name) => [name, fs.statSync(path.join(cache, name)).ino]));

    const first = await npmRun(dir, 'test');
    assert.equal(first.counts.fail, 8, first.output);
    const before = entries();
    assert.ok(before.size > 20, `${before.size} compiled files kept`);

    // The candidate's edits: the reference's alerts and tests over the starter's.
    const reference = path.join(exerciseDir(__filename), 'solutions', 'reference');
    const edited = ['src/alerts/service.ts', 'src/alerts/routes.ts', 'test/price-alerts.test.ts'];
    for (const file of edited) fs.copyFileSync(path.join(reference, file), path.join(dir, file));
    const second = await npmRun(dir, 'test');
    assert.equal(second.code, 0, second.output);
    assert.equal(second.counts.fail, 0, second.output);
    const after = entries();
    // Each edited file compiled once more; every other file's output read back, not written again.
    assert.equal(after.size, before.size + edited.length);
    for (const [name, ino] of before) assert.equal(after.get(name), ino, `${name} was written again`);

    // A cache that cannot be written (a file where its folder goes) only costs time.
    fs.rmSync(cache, { recursive: true });
    fs.writeFileSync(cache, 'not a folder');
    const third = await npmRun(dir, 'test');
    assert.equal(third.code, 0, third.output);
    assert.equal(third.counts.pass, second.counts.pass, third.output);

    // Compiled files keep sucrase's source map: with source maps on, as in the editor's debugger,
    // a failure points at the TypeScript line and column, whether compiled now or read back.
    fs.rmSync(cache);
    const where = [
      "import { it } from 'node:test';",
      "const label: string = 'x';",
      "it('where', () => { const n: number = 1; throw new Error(label + n); });",
    ];
    fs.writeFileSync(path.join(dir, 'test', 'where.test.ts'), `${where.join('\n')}\n`);
    const column = (where[2] ?? '').indexOf('new Error') + 1;
    for (const pass of ['compiled', 'read back']) {
      const run = await npmRun(dir, 'test', { NODE_OPTIONS: '--enable-source-maps' });
      assert.equal(run.counts.fail, 1, run.output);
      assert.ok(run.output.includes(`where.test.ts:3:${column})`), `${pass}: the failure's position is the TypeScript's\n${run.output}`);
    }
  });

  it('the untouched starter type-checks strictly', async () => {
    const tsc = await npmRun(await scaffold('starter-tsc'), 'typecheck');
    assert.equal(tsc.code, 0, tsc.output);
  });
});
