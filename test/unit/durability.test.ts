/**
 * Nothing recorded is lost when a process dies mid-write: the timeline skips a torn last line,
 * and files written with writeFileAtomic are either the old or the new content, never a mix.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { readTimeline, Timeline } from '../../extension/engine/timeline';
import { repoRoot, tempDir, waitForLine } from '../helpers';

describe('durability', () => {
  it('the timeline keeps every complete event when the last line was cut short', (t) => {
    const file = path.join(tempDir(t), 'timeline.jsonl');
    const timeline = new Timeline(file);
    timeline.append('session.start', { mode: 'interview' });
    timeline.append('score.manual', { item: 'readable', points: 2, note: 'tidy' });
    timeline.close();
    fs.appendFileSync(file, '{"t":"2026-11-23T00:00:00.000Z","type":"hint.se'); // killed mid-write
    const events = readTimeline(file);
    assert.deepEqual(
      events.map((e) => e.type),
      ['session.start', 'score.manual'],
    );
    const again = new Timeline(file);
    again.append('rubric.end', { run: 'x' });
    again.close();
    assert.deepEqual(
      readTimeline(file).map((e) => e.type),
      ['session.start', 'score.manual', 'rubric.end'],
      'appending after a torn line still works',
    );
  });

  it('a process killed while writing a file atomically leaves the previous content intact', async (t) => {
    const dir = tempDir(t);
    const target = path.join(dir, 'scorecard.html');
    fs.writeFileSync(target, 'previous scorecard');
    // A child rewrites the file with 64 MB in a loop; we kill it while it writes.
    const script = `
      const { writeFileAtomic } = require(${JSON.stringify(path.join(repoRoot, 'extension', 'engine', 'session.ts'))});
      const big = 'x'.repeat(64 * 1024 * 1024);
      console.log('writing');
      for (;;) writeFileAtomic(${JSON.stringify(target)}, big);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: repoRoot });
    const output = { text: '' };
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output.text += d));
    await waitForLine(child, /^writing$/, 30_000, output);
    await new Promise((r) => setTimeout(r, 150)); // let it get into the middle of a write
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const content = fs.readFileSync(target, 'utf8');
    assert.ok(content === 'previous scorecard' || content.length === 64 * 1024 * 1024, `no torn file (length ${content.length})`);
  });
});
