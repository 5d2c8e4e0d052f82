import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { readTimeline } from '../../extension/engine/timeline';
import {
  cliEnv,
  cliPath,
  eventually,
  fixtures,
  isAlive,
  nodeForServices,
  repoRoot,
  runCli,
  startUp,
  tempDir,
  waitForLine,
} from '../helpers';

const exercises = path.join(fixtures, 'exercises');

function setup(t: { after(fn: () => unknown): void }) {
  const home = tempDir(t, 'faultline-home-');
  const env = cliEnv(home, { FAULTLINE_EXERCISES: exercises });
  const work = tempDir(t, 'faultline-ws-');
  return { home, env, work };
}

/** Every file below `dir`, relative, excluding .git. */
function files(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !path.relative(dir, path.join(e.parentPath, e.name)).startsWith('.git' + path.sep))
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe('faultline CLI', () => {
  it('lists exercises, as a table and as JSON', async (t) => {
    const { env } = setup(t);
    const table = await runCli(['list'], { env });
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^EXERCISE\s+LEVEL\s+MINUTES\s+SERVICES\s+TITLE$/m);
    assert.match(table.stdout, /^price-alerts\s+mid\s+75\s+api\s+Price Alerts/m);
    assert.match(table.stdout, /^fixture-basic\s+junior\s+10\s+a,b\s+Fixture/m);
    const json = await runCli(['list', '--json'], { env });
    const parsed = JSON.parse(json.stdout) as { exercises: { id: string; solutions: string[] }[] };
    assert.deepEqual(parsed.exercises.find((e) => e.id === 'price-alerts')?.solutions, ['reference', 'naive']);
  });

  it("says when the terminal's node is too old for the exercise's tests, and what to use", async (t) => {
    const { env, work } = setup(t);
    // Stand-ins for the Node on the user's PATH (a system boundary); git stays reachable.
    const pathWith = (version: string) => {
      const bin = tempDir(t, 'faultline-path-node-');
      fs.writeFileSync(path.join(bin, 'node'), `#!/bin/sh\necho ${version}\n`, { mode: 0o755 });
      return [bin, ...(env['PATH'] ?? '').split(path.delimiter)].join(path.delimiter);
    };
    const old = await runCli(['new', 'price-alerts', path.join(work, 'old')], { env: { ...env, PATH: pathWith('20.1.0') } });
    assert.equal(old.code, 0, old.stderr);
    assert.match(old.stdout, /note: its tests \(npm test\) need Node 22\+, and the node on your PATH is 20\.1\.0 — .*PATH=\S+ \(Node 2\d/);
    const fine = await runCli(['new', 'price-alerts', path.join(work, 'fine')], { env: { ...env, PATH: pathWith('24.0.0') } });
    assert.equal(fine.code, 0, fine.stderr);
    assert.doesNotMatch(fine.stdout, /note:/);
  });

  it('creates a workspace with a git baseline and no interviewer material', async (t) => {
    const { env, work } = setup(t);
    const dir = path.join(work, 'candidate');
    const r = await runCli(['new', 'fixture-basic', dir], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /created Fixture workspace at .*candidate/);
    assert.deepEqual(files(dir), ['.faultline/workspace.json', '.gitignore', 'README.md', 'server.js']);
    const all = files(dir)
      .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
      .join('\n');
    assert.doesNotMatch(all, /SECRET-INTERVIEWER-MARKER|SECRET-SOLUTION-MARKER|"solutions"|"chaos"/);
    const log = execFileSync('git', ['log', '--format=%an <%ae> %s'], { cwd: dir, encoding: 'utf8' }).trim();
    assert.equal(log, 'Faultline <faultline@localhost> Baseline: Fixture starter');
    assert.equal(execFileSync('git', ['status', '--porcelain'], { cwd: dir, encoding: 'utf8' }), '', 'clean tree');
    const marker = JSON.parse(fs.readFileSync(path.join(dir, '.faultline', 'workspace.json'), 'utf8')) as {
      baseline: string;
      exercise: string;
    };
    assert.equal(marker.exercise, 'fixture-basic');
    assert.equal(execFileSync('git', ['rev-parse', 'faultline/baseline'], { cwd: dir, encoding: 'utf8' }).trim(), marker.baseline);
  });

  it('applies a solution overlay as a commit on top of the baseline', async (t) => {
    const { env, work } = setup(t);
    const dir = path.join(work, 'solved');
    const r = await runCli(['new', 'fixture-basic', dir, '--solution', 'patched'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(fs.readFileSync(path.join(dir, 'PATCHED.md'), 'utf8'), /SECRET-SOLUTION-MARKER/);
    const diff = execFileSync('git', ['diff', '--stat', 'faultline/baseline'], { cwd: dir, encoding: 'utf8' });
    assert.match(diff, /PATCHED\.md/);
  });

  it('applies a solution that extends another and removes one of its files', async (t) => {
    const { home, work } = setup(t);
    // A copy of the fixture with a solution on top of "patched" that removes the starter's server.js.
    const catalog = tempDir(t, 'faultline-catalog-');
    const exercise = path.join(catalog, 'fixture-basic');
    fs.cpSync(path.join(exercises, 'fixture-basic'), exercise, { recursive: true });
    fs.mkdirSync(path.join(exercise, 'solutions', 'slim'));
    fs.writeFileSync(path.join(exercise, 'solutions', 'slim', 'SLIM.md'), 'slim\n');
    const manifest = JSON.parse(fs.readFileSync(path.join(exercise, 'exercise.json'), 'utf8')) as { solutions: Record<string, unknown> };
    manifest.solutions['slim'] = { path: 'solutions/slim', extends: 'patched', remove: ['server.js'] };
    fs.writeFileSync(path.join(exercise, 'exercise.json'), JSON.stringify(manifest, null, 2));
    const dir = path.join(work, 'slim');
    const r = await runCli(['new', 'fixture-basic', dir, '--solution', 'slim'], { env: cliEnv(home, { FAULTLINE_EXERCISES: catalog }) });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(fs.existsSync(path.join(dir, 'PATCHED.md')), 'what it extends is applied');
    assert.ok(fs.existsSync(path.join(dir, 'SLIM.md')), 'its own folder is applied');
    assert.ok(!fs.existsSync(path.join(dir, 'server.js')), 'the removed file is gone');
    const diff = execFileSync('git', ['diff', '--name-status', 'faultline/baseline'], { cwd: dir, encoding: 'utf8' });
    assert.match(diff, /^D\tserver\.js$/m);
  });

  it('refuses unknown exercises, unknown solutions and occupied folders, changing nothing', async (t) => {
    const { env, work } = setup(t);
    const unknown = await runCli(['new', 'nope', path.join(work, 'x')], { env });
    assert.equal(unknown.code, 65);
    assert.match(unknown.stderr, /faultline: error: unknown exercise "nope"/);
    assert.match(unknown.stderr, /available exercises: .*price-alerts/);
    assert.equal(fs.existsSync(path.join(work, 'x')), false);

    const badSolution = await runCli(['new', 'fixture-basic', path.join(work, 'y'), '--solution', 'magic'], { env });
    assert.equal(badSolution.code, 64);
    assert.match(badSolution.stderr, /has no solution "magic"[\s\S]*available solutions: patched/);

    const occupied = path.join(work, 'occupied');
    fs.mkdirSync(occupied);
    fs.writeFileSync(path.join(occupied, 'mine.txt'), 'keep me');
    const r = await runCli(['new', 'fixture-basic', occupied], { env });
    assert.equal(r.code, 73);
    assert.match(r.stderr, /already exists and is not empty/);
    assert.deepEqual(fs.readdirSync(occupied), ['mine.txt']);

    const usage = await runCli(['new', 'fixture-basic'], { env });
    assert.equal(usage.code, 64);
    assert.match(usage.stderr, /missing target folder[\s\S]*faultline new <exercise> <dir>/);
    const cmd = await runCli(['frobnicate'], { env });
    assert.equal(cmd.code, 64);
    assert.match(cmd.stderr, /unknown command "frobnicate"/);
  });

  it('runs up / status / logs / restart / stop against a live session', async (t) => {
    const { env, work } = setup(t);
    const dir = path.join(work, 'ws');
    assert.equal((await runCli(['new', 'fixture-basic', dir], { env })).code, 0);
    const stateFile = path.join(work, 'state.json');
    const up = await startUp(t, dir, { env, stateFile });

    // READY line and state file carry the same JSON: every service's URL and pid.
    assert.deepEqual(JSON.parse(fs.readFileSync(stateFile, 'utf8')), up.state);
    assert.deepEqual(Object.keys(up.state.services), ['a', 'b']);
    for (const s of Object.values(up.state.services)) {
      assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(s.pid && isAlive(s.pid));
    }
    // Prefixed logs of both services reached the terminal.
    assert.match(up.output.text, /^a\s+\| INFO {2}starting with behavior ok$/m);
    assert.match(up.output.text, /^b\s+\| WARN {2}a structured warning \{"extra":42\}$/m);
    assert.match(up.output.text, /\[faultline\] b healthy \(pid \d+, \d+ ms; process port :\d+\)/);
    // One address per service: the log names the public one, next to the process's own port.
    const b = up.state.services['b']!;
    assert.notEqual(new URL(b.url).port, String(b.port), 'the public address is the fault proxy, not the process');
    assert.match(up.output.text, new RegExp(`public address ${b.url}: use this one; the process port :${b.port} bypasses chaos`));

    // What the candidate may know (for a Live Share guest) is published in the workspace: nothing more.
    const info = JSON.parse(fs.readFileSync(path.join(dir, '.faultline', 'session.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(info).sort(), ['exercise', 'portal', 'services', 'startedAt', 'title']);
    assert.deepEqual(info['services'], { a: up.state.services['a']!.url, b: up.state.services['b']!.url });
    assert.equal(info['portal'], up.state.portal.url);
    assert.doesNotMatch(JSON.stringify(info), new RegExp(`${up.state.control.url}|${up.state.proxy.url}|token`));

    const status = await runCli(['status', '--state', stateFile], { env });
    assert.equal(status.code, 0, status.stderr);
    const a = up.state.services['a']!;
    assert.match(status.stdout, new RegExp(`^a\\s+healthy\\s+${a.url}\\s+${a.port}\\s+${a.pid}\\s+0\\s+200 in \\d+ ms$`, 'm'));
    const byDir = await runCli(['status', dir, '--json'], { env });
    const json = JSON.parse(byDir.stdout) as { healthy: boolean; services: { name: string }[] };
    assert.equal(json.healthy, true);

    const logs = await runCli(['logs', 'b', '--state', stateFile, '-n', '2'], { env });
    assert.equal(logs.code, 0, logs.stderr);
    assert.equal(logs.stdout.trim().split('\n').length, 2);

    const oldPid = up.state.services['a']!.pid!;
    const restart = await runCli(['restart', 'a', '--state', stateFile], { env });
    assert.equal(restart.code, 0, restart.stderr);
    await eventually(() => !isAlive(oldPid), 5000, 'the old process to exit');
    const newState = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as typeof up.state;
    assert.notEqual(newState.services['a']!.pid, oldPid, 'the state file follows restarts');
    assert.equal(newState.services['a']!.url, up.state.services['a']!.url);

    const unknown = await runCli(['restart', 'zzz', '--state', stateFile], { env });
    assert.equal(unknown.code, 64);
    assert.match(unknown.stderr, /unknown service "zzz"[\s\S]*services of this exercise: a, b/);

    fs.appendFileSync(path.join(dir, 'server.js'), '// the candidate edits\n');
    const stop = await runCli(['stop', '--state', stateFile], { env });
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal(await up.exited, 0);
    const diffs = readTimeline(path.join(up.state.sessionDir, 'timeline.jsonl')).filter((e) => e.type === 'candidate.diff');
    assert.deepEqual(
      diffs.map((e) => [e['files'], e['added'], e['removed']]),
      [[1, 1, 0]],
      "the size of the candidate's change is on the timeline (sampled, and once more at the end)",
    );
    for (const s of Object.values(newState.services)) assert.equal(isAlive(s.pid!), false);
    assert.equal(fs.existsSync(path.join(dir, '.faultline', 'session.json')), false, 'withdrawn when the session stops');
    const after = await runCli(['status', '--state', stateFile], { env });
    assert.equal(after.code, 3);
    assert.match(after.stderr, /stopped at/);
  });

  it('shows the timeline of a session, follows it live, and keeps it after the session stopped', async (t) => {
    const { env, work } = setup(t);
    const dir = path.join(work, 'ws');
    assert.equal((await runCli(['new', 'fixture-basic', dir], { env })).code, 0);
    const stateFile = path.join(work, 'state.json');
    const up = await startUp(t, dir, { env, stateFile });

    const follow = spawn(process.execPath, [cliPath, 'timeline', dir, '--follow'], { env: { ...env, NO_COLOR: '1' } });
    t.after(() => follow.kill('SIGKILL'));
    const output = { text: '' };
    follow.stdout.setEncoding('utf8').on('data', (d: string) => (output.text += d));
    const exited = new Promise<number | null>((resolve) => follow.on('exit', (code) => resolve(code)));
    await waitForLine(
      follow,
      /\+0:\d\d {2}Session started \(interview, AI assistance allowed, candidate code sandboxed\)$/,
      10_000,
      output,
    );
    const activated = waitForLine(follow, /^\d\d:\d\d:\d\d +\+\d+:\d\d {2}Chaos a_errors activated \(seed \d+\)$/, 10_000, output);
    assert.equal((await runCli(['chaos', 'a_errors', dir], { env })).code, 0);
    await activated;
    fs.appendFileSync(path.join(dir, 'server.js'), '// edited\n');
    assert.equal((await runCli(['stop', dir], { env })).code, 0);
    assert.equal(await up.exited, 0);
    assert.equal(await exited, 0, 'follow ends with the session');
    assert.match(output.text, /Candidate's change: 1 file\(s\), \+1 −0 lines\n.*Session stopped\n$/);

    const after = await runCli(['timeline', dir, '--json'], { env });
    assert.equal(after.code, 0, after.stderr);
    const types = after.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { type: string }).type);
    assert.deepEqual(
      types.filter((x) => x.startsWith('session') || x.startsWith('chaos.activate')),
      ['session.start', 'chaos.activate', 'session.stop'],
    );
    const none = await runCli(['timeline', path.join(work, 'elsewhere')], { env });
    assert.equal(none.code, 65);
    assert.match(none.stderr, /no timeline at .*: this workspace has not run a session yet/);
  });

  it('Ctrl-C stops every service and exits 0', async (t) => {
    const { env, work } = setup(t);
    const dir = path.join(work, 'ws');
    assert.equal((await runCli(['new', 'fixture-basic', dir], { env })).code, 0);
    const up = await startUp(t, dir, { env, stateFile: path.join(work, 's.json') });
    const code = await up.interrupt();
    assert.equal(code, 0);
    assert.match(up.output.text, /all services stopped/);
    for (const s of Object.values(up.state.services)) assert.equal(isAlive(s.pid!), false);
  });

  it('refuses a second supervisor for the same workspace', async (t) => {
    const { env, work } = setup(t);
    const dir = path.join(work, 'ws');
    assert.equal((await runCli(['new', 'fixture-basic', dir], { env })).code, 0);
    const up = await startUp(t, dir, { env, stateFile: path.join(work, 's.json') });
    const second = await runCli(['up', dir], { env });
    assert.equal(second.code, 64);
    assert.match(second.stderr, new RegExp(`already running under Faultline \\(pid ${up.state.pid}\\)`));
  });

  it('fails `up` with the crash, its location and the log tail when a service cannot start', async (t) => {
    const { env, work } = setup(t);
    const dir = path.join(work, 'ws');
    assert.equal((await runCli(['new', 'fixture-basic', dir], { env })).code, 0);
    // The candidate breaks server.js.
    const file = path.join(dir, 'server.js');
    fs.writeFileSync(
      file,
      fs.readFileSync(file, 'utf8').replace("const behavior = process.env.BEHAVIOR || 'ok';", 'const behavior = missing.value;'),
    );
    const r = await runCli(['up', dir], { env });
    assert.equal(r.code, 70);
    assert.match(
      r.stderr,
      /faultline: error: a failed to start: a exited with code 1 during start-up: ReferenceError: missing is not defined \(at server\.js:\d+:\d+\)/,
    );
    assert.match(r.stderr, /hint: look at server\.js:\d+:\d+ in the workspace/);
    assert.match(r.stderr, /\| ReferenceError: missing is not defined/);
  });

  it('says clearly when a folder is not a workspace, or no session runs', async (t) => {
    const { env, work } = setup(t);
    const r = await runCli(['up', work], { env });
    assert.equal(r.code, 65);
    assert.match(r.stderr, /is not a Faultline workspace[\s\S]*faultline new <exercise> <dir>/);
    const s = await runCli(['status', '--state', path.join(work, 'none.json')], { env });
    assert.equal(s.code, 3);
    assert.match(s.stderr, /no session state at/);
  });

  it('validates manifests with file:line:col diagnostics', async (t) => {
    const { env, work } = setup(t);
    const broken = path.join(work, 'broken');
    fs.cpSync(path.join(exercises, 'fixture-basic'), broken, { recursive: true });
    const file = path.join(broken, 'exercise.json');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"level": "junior"', '"level": "guru"'));
    const r = await runCli(['validate', broken], { env, cwd: work });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /broken\/exercise\.json:6:12: error: \$\.level: expected one of "junior", "mid", "senior", "staff", got "guru"/);
    const ok = await runCli(['validate'], { env });
    assert.equal(ok.code, 0, ok.stdout);
  });
});

describe('service runtime', () => {
  /** A Node.js on PATH other than the one running the tests (e.g. the machine's own Node 20). */
  function otherNodeOnPath(): string | undefined {
    for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
      const candidate = path.join(dir, 'node');
      if (!fs.existsSync(candidate) || fs.realpathSync(candidate) === fs.realpathSync(process.execPath)) continue;
      return candidate;
    }
    return undefined;
  }

  it('runs services on the Node given with --node, and says when it cannot', async (t) => {
    const { env, work } = setup(t);
    const dir = path.join(work, 'ws');
    assert.equal((await runCli(['new', 'fixture-basic', dir], { env })).code, 0);
    const bad = await runCli(['up', dir, '--node', path.join(work, 'no-such-node')], { env });
    assert.equal(bad.code, 69);
    assert.match(bad.stderr, /cannot run Node\.js at .*no-such-node/);
    const up = await startUp(t, dir, { env, stateFile: path.join(work, 's.json'), args: ['--node', nodeForServices] });
    assert.equal(up.state.runtime.execPath, nodeForServices);
  });

  it('a CLI on an older Node still runs services on a Node new enough for them', async (t) => {
    const older = otherNodeOnPath();
    const version = older ? execFileSync(older, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim() : '';
    if (!older || Number.parseInt(version, 10) >= 22) {
      t.skip('no Node older than 22 on PATH');
      return;
    }
    const home = tempDir(t, 'faultline-home-');
    const env = cliEnv(home);
    const dir = path.join(tempDir(t), 'pa');
    const created = execFileSync(older, [path.join(repoRoot, 'dist', 'cli.js'), 'new', 'price-alerts', dir], { env, encoding: 'utf8' });
    assert.match(created, /created Price Alerts workspace/);
    const child = spawn(older, [path.join(repoRoot, 'dist', 'cli.js'), 'up', dir], { env });
    const output = { text: '' };
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output.text += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output.text += d));
    const exited = new Promise((r) => child.on('exit', r));
    t.after(async () => {
      child.kill('SIGINT');
      await exited;
    });
    const line = await waitForLine(child, /^FAULTLINE_READY /, 60_000, output);
    const state = JSON.parse(line.slice('FAULTLINE_READY '.length)) as {
      runtime: { version: string };
      services: Record<string, { url: string }>;
    };
    assert.ok(Number.parseInt(state.runtime.version, 10) >= 22, `services run on Node ${state.runtime.version}, the CLI on ${version}`);
    const res = await fetch(`${state.services['api']!.url}/stocks/AAPL`);
    assert.equal(res.status, 200);
  });
});
