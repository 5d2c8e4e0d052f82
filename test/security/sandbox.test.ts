/**
 * The sandbox, attacked: test/security/probe.ts is planted in the candidate's code of every
 * exercise, starter and solution alike (in each candidate service, in a candidate test file and in
 * a candidate program) and tries every way out it knows. Every attempt must be refused, the
 * services must go on serving, and the interviewer's score must not move.
 *
 * The same probe run without the sandbox escapes: that is what makes these tests able to fail.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import * as assert from 'node:assert/strict';
import { loadCatalog } from '../../extension/engine/catalog';
import { runCandidateProgram, runCandidateTests } from '../../extension/engine/process/testRun';
import { TestWorkers } from '../../extension/engine/process/testWorkers';
import { readToken, type SessionState } from '../../extension/engine/session';
import { cliEnv, install, runCli, startUp, tempDir, eventually } from '../helpers/index';
import { controlClient, scaffold } from '../helpers/testing';
import type { Attempt, ProbeConfig, runProbe } from './probe';

const PROBE = path.join(__dirname, 'probe.ts');

/** better-sqlite3's native addon, as installed (the probe copies it into data/ and tries to load it). */
function sqliteAddon(): string {
  const dir = path.dirname(require.resolve('better-sqlite3/package.json', { paths: [install.runtimeModules] }));
  const candidates = [
    path.join(dir, 'build', 'Release', 'better_sqlite3.node'),
    path.join(dir, 'prebuilds', `${process.platform}-${process.arch}.node`),
  ];
  const found = candidates.find((f) => fs.existsSync(f));
  if (!found) throw new Error(`no better-sqlite3 addon among ${candidates.join(', ')}`);
  return found;
}

/** Every file under a folder (interviewer material to try to read). */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

interface Planted {
  config: ProbeConfig;
  services: string[];
}

/** Copies the probe into the workspace with its targets, and plants it at the top of each candidate service's entry. */
function plant(workspace: string, exerciseId: string, state: SessionState, home: string): Planted {
  const exercise = loadCatalog(install).get(exerciseId);
  const exDir = exercise.dir;
  const sessionFiles = filesUnder(state.sessionDir);
  assert.ok(
    sessionFiles.some((f) => f === state.control.tokenFile),
    'the session folder holds the token',
  );
  const config: ProbeConfig = {
    workspace,
    exercise: exerciseId,
    secrets: [
      path.join(exDir, 'interviewer', 'GUIDE.md'),
      path.join(exDir, 'exercise.json'),
      ...filesUnder(path.join(exDir, 'interviewer', 'checks')).slice(0, 2),
      ...Object.keys(exercise.manifest.solutions).flatMap((s) => filesUnder(path.join(exDir, 'solutions', s)).slice(0, 1)),
      ...sessionFiles,
    ],
    forbidden: [readToken(state), state.sessionDir, home],
    addon: sqliteAddon(),
    controlUrl: state.control.url,
    writes: [
      path.join(workspace, 'faultline-probe', 'written.txt'),
      path.join(workspace, 'package.json'),
      path.join(state.sessionDir, 'pwned'),
      path.join(path.dirname(workspace), 'pwned.txt'),
    ],
    supervisorPid: state.pid,
  };
  const dir = path.join(workspace, 'faultline-probe');
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(PROBE, path.join(dir, 'probe.ts'));
  fs.writeFileSync(path.join(dir, 'probe-config.json'), JSON.stringify(config, null, 2));
  // A candidate test file and a candidate program that run the same probe.
  fs.writeFileSync(
    path.join(dir, 'probe.test.ts'),
    [
      "import { test } from 'node:test';",
      "import * as assert from 'node:assert/strict';",
      "import { loadConfig, runProbe } from './probe';",
      "test('the sandbox holds', async () => {",
      '  const attempts = await runProbe(loadConfig());',
      '  assert.ok(attempts.length >= 30, `only ${attempts.length} attempts ran`);',
      '  assert.deepEqual(attempts.filter((a) => a.escaped), []);',
      '});',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(dir, 'program.ts'),
    "import { loadConfig, runProbe } from './probe';\nvoid runProbe(loadConfig()).then((a) => console.log(JSON.stringify(a)));\n",
  );
  const services: string[] = [];
  for (const s of exercise.manifest.services) {
    if (s.role !== 'candidate') continue;
    const entry = path.resolve(workspace, s.cwd ?? '.', s.entry);
    let rel = path.relative(path.dirname(entry), path.join(dir, 'probe')).split(path.sep).join('/');
    if (!rel.startsWith('.')) rel = `./${rel}`;
    fs.writeFileSync(entry, `require(${JSON.stringify(rel)}).startProbe(${JSON.stringify(s.name)});\n${fs.readFileSync(entry, 'utf8')}`);
    services.push(s.name);
  }
  return { config, services };
}

function probeResults(workspace: string): { file: string; attempts: Attempt[] }[] {
  const dir = path.join(workspace, 'data', 'probe');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ file: f, attempts: (JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { attempts: Attempt[] }).attempts }));
}

function escapes(attempts: Attempt[]): string[] {
  return attempts.filter((a) => a.escaped).map((a) => `${a.name}: ${a.detail}`);
}

const exercises = loadCatalog(install).exercises.filter((e) => e.dir.startsWith(install.workspacesDir));

for (const exercise of exercises) {
  const variants = ['starter', ...Object.keys(exercise.manifest.solutions)];
  describe(`sandbox of ${exercise.manifest.id}`, { concurrency: 2 }, () => {
    for (const variant of variants) {
      test(`${variant}: every probe in every candidate service is refused, the services keep serving and the score does not move`, async (t) => {
        const home = tempDir(t, 'faultline-home-');
        const env = cliEnv(home);
        const workspace = await scaffold(t, exercise.manifest.id, { env, ...(variant === 'starter' ? {} : { solution: variant }) });
        const stateFile = path.join(tempDir(t), 'state.json');
        const up = await startUp(t, workspace, { env, stateFile, args: ['--require-sandbox'] });
        const control = controlClient(up.state);
        const before = await control.score(null);

        const planted = plant(workspace, exercise.manifest.id, up.state, home);
        for (const service of planted.services) {
          const r = await runCli(['restart', service, workspace, '--state', stateFile], { env });
          assert.equal(r.code, 0, `restart ${service}: ${r.stdout}${r.stderr}`);
        }
        const processes = planted.services.reduce((n, s) => n + (up.state.services[s]?.pids.length ?? 1), 0);
        await eventually(
          () => probeResults(workspace).length >= processes,
          60_000,
          `a probe report from each of ${processes} service processes`,
        );

        for (const { file, attempts } of probeResults(workspace)) {
          assert.ok(attempts.length >= 30, `${file}: only ${attempts.length} attempts ran`);
          assert.deepEqual(escapes(attempts), [], `${file}: the sandbox let these through`);
        }
        const status = await control.status(null);
        for (const svc of status.services.filter((x) => planted.services.includes(x.name))) {
          for (const i of svc.instances) {
            assert.equal(i.state, 'healthy', `${svc.name}#${i.instance} is healthy after the probe`);
            assert.equal(i.sandbox?.enforced, true, `${svc.name}#${i.instance} reports its sandbox in force`);
            const res = await fetch(new URL(svc.health, i.url));
            assert.equal(res.status, 200, `${svc.name}#${i.instance} still serves ${svc.health}`);
          }
        }
        assert.deepEqual(await control.score(null), before, 'the score is what it was before the attack');
        assert.ok(!fs.existsSync(path.join(up.state.sessionDir, 'pwned')));
      });
    }
  });
}

describe('sandbox of candidate tests and programs', () => {
  const [first] = exercises;
  assert.ok(first, 'at least one exercise');
  const exercise = first;

  /** A workspace with the probe planted, and a session to aim it at. */
  async function planted(t: TestContext) {
    const home = tempDir(t, 'faultline-home-');
    const env = cliEnv(home);
    const workspace = await scaffold(t, exercise.manifest.id, { env });
    const up = await startUp(t, workspace, { env, stateFile: path.join(tempDir(t), 'state.json') });
    const { config } = plant(workspace, exercise.manifest.id, up.state, home);
    return { workspace, config };
  }
  const options = (workspace: string) => ({
    workspace,
    modules: install.runtimeModules,
    preload: path.join(install.serversDir, 'preload.js'),
    runtime: { execPath: process.execPath, env: {}, version: process.version },
    timeoutMs: 120_000,
  });

  test('a probe in a candidate test file is refused everything (as mutation checks run the tests)', async (t) => {
    const { workspace } = await planted(t);
    const run = await runCandidateTests({ ...options(workspace), files: ['faultline-probe/probe.test.ts'] });
    assert.equal(run.failed, 0, run.output);
    assert.equal(run.passed, 1, run.output);
  });

  test('a probe in a candidate test file run by a warm test worker is refused everything, twice in the same process', async (t) => {
    const { workspace } = await planted(t);
    const workers = new TestWorkers({ ...options(workspace), size: 1, scratch: tempDir(t, 'faultline-workers-') });
    t.after(() => workers.close());
    for (let i = 0; i < 2; i++) {
      const run = await workers.run({ files: ['faultline-probe/probe.test.ts'], timeoutMs: 120_000 });
      assert.equal(run.failed, 0, run.output);
      assert.equal(run.passed, 1, run.output);
    }
  });

  test('a probe in a candidate program is refused everything (as t.candidateProgram runs it)', async (t) => {
    const { workspace } = await planted(t);
    const run = await runCandidateProgram({ ...options(workspace), entry: 'faultline-probe/program.ts' });
    assert.equal(run.code, 0, run.stderr);
    const attempts = JSON.parse(run.stdout.trim().split('\n').pop() ?? '[]') as Attempt[];
    assert.ok(attempts.length >= 30, `only ${attempts.length} attempts ran`);
    assert.deepEqual(escapes(attempts), []);
  });

  test('without the sandbox the same probe escapes: the probes can fail', async (t) => {
    const { workspace, config } = await planted(t);
    const probe = (await import(path.join(workspace, 'faultline-probe', 'probe.ts'))) as { runProbe: typeof runProbe };
    const attempts = await probe.runProbe(config);
    const escaped = new Set(attempts.filter((a) => a.escaped).map((a) => a.name));
    const mustEscape = [
      ...config.secrets.map((f) => `read ${f}`),
      ...config.writes.map((f) => `write ${f}`),
      'read /proc/self/environ',
      'read a secret through a symlink made in data/',
      'spawn a shell command',
      'spawn node',
      'start a worker thread',
      'load a native addon written to data/',
      'SQLite creates a database outside data/',
      'SQLite opens a secret read-only',
      'SQLite ATTACH of a file outside data/',
      'SQLite VACUUM INTO a file outside data/',
      'SQLite backup to a file outside data/',
      'signal the supervisor',
    ];
    assert.deepEqual(
      mustEscape.filter((n) => !escaped.has(n)),
      [],
      'unsandboxed, these attempts should have escaped (a probe that cannot escape proves nothing)',
    );
  });
});
