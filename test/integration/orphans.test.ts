import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { cliEnv, eventually, fixtures, isAlive, runCli, startUp, tempDir } from '../helpers';

describe('no orphans', () => {
  it('every service exits within 2 s after the CLI is killed with SIGKILL — even one stuck in a busy loop', async (t) => {
    const home = tempDir(t, 'faultline-home-');
    const env = cliEnv(home, { FAULTLINE_EXERCISES: path.join(fixtures, 'exercises') });
    const dir = path.join(tempDir(t), 'ws');
    assert.equal((await runCli(['new', 'fixture-basic', dir], { env })).code, 0);
    const up = await startUp(t, dir, { env, stateFile: path.join(home, 'state.json') });
    const a = up.state.services['a']!;
    const b = up.state.services['b']!;
    // b blocks its event loop forever; a spawns a grandchild.
    await fetch(`${b.url}/spin`).then((r) => r.text());
    const grandchild = Number(await fetch(`${a.url}/grandchild`).then((r) => r.text()));
    const pids = [a.pid!, b.pid!, grandchild];
    for (const pid of pids) assert.ok(isAlive(pid));

    up.child.kill('SIGKILL');
    await up.exited;
    const names = new Map([
      [a.pid!, 'a'],
      [b.pid!, 'b (busy loop)'],
      [grandchild, "a's grandchild"],
    ]);
    const ms = await eventually(() => pids.every((pid) => !isAlive(pid)), 2000, 'every service process to exit').catch((err: unknown) => {
      const left = pids.filter(isAlive).map((pid) => `${names.get(pid)} (pid ${pid})`);
      throw new Error(`${(err as Error).message}; still alive: ${left.join(', ')}`);
    });
    t.diagnostic(`all services gone ${ms} ms after SIGKILL`);
  });

  it('a service paused by chaos (SIGSTOP, its own watchdog frozen) still goes when the CLI is killed', async (t) => {
    const home = tempDir(t, 'faultline-home-');
    const env = cliEnv(home, { FAULTLINE_EXERCISES: path.join(fixtures, 'exercises') });
    const dir = path.join(tempDir(t), 'ws');
    assert.equal((await runCli(['new', 'fixture-basic', dir], { env })).code, 0);
    const stateFile = path.join(home, 'state.json');
    const up = await startUp(t, dir, { env, stateFile });
    const a = up.state.services['a']!;
    t.after(() => {
      if (isAlive(a.pid!)) process.kill(a.pid!, 'SIGKILL'); // only if the test failed
    });
    const chaos = await runCli(['chaos', 'freeze_a', '--state', stateFile], { env });
    assert.equal(chaos.code, 0, chaos.stderr);
    assert.equal(processState(a.pid!), 'T', 'a is stopped');

    up.child.kill('SIGKILL');
    await up.exited;
    const ms = await eventually(() => !isAlive(a.pid!), 2000, 'the paused service to exit');
    t.diagnostic(`paused service gone ${ms} ms after SIGKILL`);
  });
});

/** The state letter of /proc/<pid>/stat (R running, S sleeping, T stopped, Z zombie). */
function processState(pid: number): string {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
}
