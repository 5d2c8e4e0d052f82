/**
 * The CLI from inside a workspace: every session command finds the session of the workspace the
 * current directory is in, `stop` twice is fine, and a mode's identical faults print once, counted.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { cliEnv, runCli, startUp, tempDir } from '../helpers/index';
import { scaffold } from '../helpers/testing';
import { faultLines } from '../../extension/cli/common';

test('identical faults of a mode print as one counted line, in order', () => {
  const f = (type: string, summary: string, target = 'api') => ({ type, target, summary, id: 'x', ms: 1 });
  assert.deepEqual(faultLines([f('db_update', 'Corrupt rows'), f('db_insert', 'Insert rows'), f('db_update', 'Corrupt rows')] as never), [
    'db_update on api ×2: Corrupt rows',
    'db_insert on api: Insert rows',
  ]);
});

test('session commands run from inside a workspace without naming it; stop twice exits 0', async (t) => {
  const env = cliEnv(tempDir(t, 'faultline-home-'));
  const workspace = await scaffold(t, 'price-alerts', { env });
  const up = await startUp(t, workspace, { env, stateFile: path.join(tempDir(t), 'state.json') });
  const inside = path.join(workspace, 'src');
  assert.ok(fs.existsSync(inside));
  const run = (...argv: string[]) => runCli(argv, { env, cwd: inside, timeoutMs: 120_000 });

  const status = await run('status', '--json');
  assert.equal(status.code, 0, status.stderr);
  assert.equal((JSON.parse(status.stdout) as { workspace: string }).workspace, fs.realpathSync(workspace));
  for (const argv of [
    ['logs', 'api', '-n', '5'],
    ['chaos', 'status'],
    ['hint', 'list'],
    ['phase'],
    ['timeline'],
    ['scorecard', '--json'],
  ]) {
    const r = await run(...argv);
    assert.equal(r.code, 0, `${argv.join(' ')}: ${r.stderr}`);
  }
  // Each service's public address, ready for `eval "$(faultline env)"` (the same as VS Code terminals get).
  const envs = await run('env');
  assert.equal(envs.code, 0, envs.stderr);
  assert.equal(envs.stdout.trim(), `export API_URL=${up.state.services['api']!.url}`);
  const first = await run('stop');
  assert.equal(first.code, 0, first.stderr);
  assert.equal(await up.exited, 0);
  const second = await run('stop');
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /already stopped/);

  const stopped = await run('env');
  assert.equal(stopped.code, 3, stopped.stderr);
  assert.match(stopped.stderr, /no session is running for/);

  const outside = await runCli(['status'], { env, cwd: tempDir(t) });
  assert.equal(outside.code, 64);
  assert.match(outside.stderr, /run this inside a workspace, or give its folder/);
});
