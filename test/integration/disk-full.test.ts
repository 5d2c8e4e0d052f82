/**
 * A full disk loses nothing: the session timeline never keeps half an event, the command that
 * could not be recorded says so and exits non-zero, and the next event starts on a fresh line.
 * Tested on a real small file system (tmpfs), which the test mounts itself when it runs as root.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import * as assert from 'node:assert/strict';
import { Timeline, readTimeline } from '../../extension/engine/timeline';
import { cliEnv, runCli, startUp, tempDir } from '../helpers/index';
import { scaffold } from '../helpers/testing';

/** A tmpfs of `size` mounted for this test, or the reason there cannot be one. */
function smallDisk(t: TestContext, size: string): string | { skip: string } {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return { skip: 'mounting a small tmpfs needs Linux and root' };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    fs.rmdirSync(dir);
    return { skip: `mount -t tmpfs failed here: ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}` };
  }
  t.after(() => {
    execFileSync('umount', ['-l', dir]);
    fs.rmdirSync(dir);
  });
  return dir;
}

/** Fills the disk up, then frees `free` bytes; returns the filler to delete. */
function fill(dir: string, free: number): string {
  const filler = path.join(dir, 'filler');
  const fd = fs.openSync(filler, 'w');
  const chunk = Buffer.alloc(4096, 1);
  let size = 0;
  try {
    for (;;) size += fs.writeSync(fd, chunk);
  } catch (err) {
    assert.equal((err as NodeJS.ErrnoException).code, 'ENOSPC');
  }
  fs.ftruncateSync(fd, Math.max(0, size - free));
  fs.closeSync(fd);
  return filler;
}

function assertWholeLines(file: string): void {
  const text = fs.readFileSync(file, 'utf8');
  assert.ok(text.endsWith('\n'), 'the file ends with a complete line');
  for (const line of text.trimEnd().split('\n')) assert.doesNotThrow(() => JSON.parse(line), `a torn line: ${line.slice(0, 60)}…`);
}

test('a timeline append on a full disk writes the whole event or nothing, and says so', (t) => {
  const disk = smallDisk(t, '64k');
  if (typeof disk !== 'string') return t.skip(disk.skip);
  const file = path.join(disk, 'timeline.jsonl');
  const timeline = new Timeline(file);
  t.after(() => timeline.close());
  timeline.append('first');
  const filler = fill(disk, 4096);
  assert.throws(
    () => timeline.append('score.manual', { item: 'discussion', points: 2, note: 'x'.repeat(12_000) }),
    (err: Error) => /^disk full: "score\.manual" was not recorded/.test(err.message),
  );
  assertWholeLines(file);
  assert.deepEqual(
    timeline.read().map((e) => e.type),
    ['first'],
    'what is shown is what is on disk',
  );
  fs.rmSync(filler);
  timeline.append('after');
  assertWholeLines(file);
  assert.deepEqual(
    readTimeline(file).map((e) => e.type),
    ['first', 'after'],
  );
});

test('`faultline score` on a full disk exits non-zero with "disk full", and the next score is recorded whole', async (t) => {
  const disk = smallDisk(t, '8m');
  if (typeof disk !== 'string') return t.skip(disk.skip);
  const env = cliEnv(disk);
  const workspace = await scaffold(t, 'price-alerts', { env });
  const stateFile = path.join(tempDir(t), 'state.json');
  const up = await startUp(t, workspace, { env, stateFile });
  const filler = fill(disk, 4096);
  const full = await runCli(['score', 'discussion', '1', workspace, '--state', stateFile, '--note', 'n'.repeat(12_000)], { env });
  fs.rmSync(filler);
  assert.notEqual(full.code, 0, full.stdout);
  assert.match(full.stderr, /disk full/);
  const ok = await runCli(['score', 'discussion', '2', workspace, '--state', stateFile, '--note', 'recorded'], { env });
  assert.equal(ok.code, 0, ok.stderr);
  const timelineFile = path.join(up.state.sessionDir, 'timeline.jsonl');
  assertWholeLines(timelineFile);
  const scores = readTimeline(timelineFile).filter((e) => e.type === 'score.manual');
  assert.deepEqual(
    scores.map((e) => e['points']),
    [2],
  );
});
