/**
 * Folders a user names get clear errors, never a raw `ENOENT … lstat` or a spin: a workspace that
 * does not exist, a target that cannot hold folders (/proc), a path through a file, a read-only
 * FAULTLINE_HOME (a read-only tmpfs the test mounts when it runs as root).
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { cliEnv, cliPath, runCli, startUp, tempDir, waitForLine } from '../helpers/index';
import { scaffold } from '../helpers/testing';

function assertClear(r: { code: number | null; stdout: string; stderr: string }, message: RegExp): void {
  assert.notEqual(r.code, 0, r.stdout);
  assert.notEqual(r.code, null, 'it exits (no spin)');
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, /ENOENT|lstat|mkdir|\n\s+at /, 'no raw system error or stack');
}

test('up of a folder that does not exist says so', async (t) => {
  const env = cliEnv(tempDir(t, 'faultline-home-'));
  assertClear(await runCli(['up', '/nonexistent/ws'], { env }), /the workspace \/nonexistent\/ws does not exist/);
});

test('new refuses a target that cannot hold folders, or lies under a file, and leaves nothing', async (t) => {
  const env = cliEnv(tempDir(t, 'faultline-home-'));
  assertClear(await runCli(['new', 'price-alerts', '/proc/faultline-x'], { env, timeoutMs: 20_000 }), /cannot hold new folders/);
  const file = path.join(tempDir(t), 'a-file');
  fs.writeFileSync(file, 'x');
  assertClear(await runCli(['new', 'price-alerts', path.join(file, 'ws')], { env }), /a-file is a file, not a folder/);
  assert.equal(fs.readFileSync(file, 'utf8'), 'x');
});

test('a read-only FAULTLINE_HOME is named as such', async (t) => {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return t.skip('mounting a read-only tmpfs needs Linux and root');
  const workspace = await scaffold(t, 'price-alerts', { env: cliEnv(tempDir(t, 'faultline-home-')) });
  const ro = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-ro-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', ro]);
  t.after(() => {
    execFileSync('umount', ['-l', ro]);
    fs.rmdirSync(ro);
  });
  const r = await runCli(['up', workspace], { env: cliEnv(path.join(ro, 'home')) });
  assertClear(r, /cannot create the session folder .* is on a read-only file system/);
});

test('check says the session stopped when its supervisor dies mid-run, and exits non-zero', async (t) => {
  const env = cliEnv(tempDir(t, 'faultline-home-'));
  const workspace = await scaffold(t, 'price-alerts', { env });
  const stateFile = path.join(tempDir(t), 'state.json');
  const up = await startUp(t, workspace, { env, stateFile });
  const check = spawn(process.execPath, [cliPath, 'check', workspace, '--state', stateFile], { env });
  const output = { text: '' };
  check.stdout.setEncoding('utf8').on('data', (d: string) => (output.text += d));
  let stderr = '';
  check.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => check.on('exit', resolve));
  t.after(() => check.kill('SIGKILL'));
  await waitForLine(check, /^[✓✗⏱] /, 120_000, output);
  up.child.kill('SIGKILL');
  const code = await exited;
  assert.notEqual(code, 0);
  assert.match(stderr, /the session at .* stopped while rubricRun was running/);
  assert.match(stderr, /faultline timeline/);
});
